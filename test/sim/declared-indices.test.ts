// The index-coverage oracle's own reading of which indices a schema declares agrees with the
// engine's on every schema the scenarios use, and follows upstream's per-type rule on a schema
// that exercises each arm (String key and String @index: full text; enum and integer @index: BTree).
import { expect, test } from "vitest";
import { compileSchema } from "../../engine/schema/catalog-builder.ts";
import { catalogTableKeys, lookupTable } from "../../engine/schema/catalog.ts";
import { requiredIndicesForType } from "../../engine/schema/indices.ts";
import * as schemas from "../../scenarios/kit/schemas.ts";
import { declaredIndexNames } from "../../sim/oracles/declared-indices.ts";

const EVERY_ARM = `
node Person {
  name: String @key
  age: I32? @index
  mood: enum(happy, sad)? @index
  bio: String? @index
}
edge Knows: Person -> Person
`;

test("the oracle's declared indices match the engine's on every kit schema", () => {
  for (const [name, source] of Object.entries(schemas)) {
    if (typeof source !== "string") continue;
    const catalog = compileSchema(source);
    for (const key of catalogTableKeys(catalog)) {
      const type = lookupTable(catalog, key)!;
      expect([...declaredIndexNames(type)].sort(), `${name} ${key}`).toEqual(requiredIndicesForType(type).map((s) => s.name).sort());
    }
  }
});

test("each arm of upstream's rule", () => {
  const catalog = compileSchema(EVERY_ARM);
  const person = lookupTable(catalog, catalogTableKeys(catalog).find((k) => k.startsWith("node:"))!)!;
  expect([...declaredIndexNames(person)].sort()).toEqual(["btree:age", "btree:id", "btree:mood", "fts:bio", "fts:name"]);
  const knows = lookupTable(catalog, catalogTableKeys(catalog).find((k) => k.startsWith("edge:"))!)!;
  expect(declaredIndexNames(knows)).toEqual(["btree:id", "btree:src", "btree:dst"]);
});
