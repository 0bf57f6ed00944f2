import { describe, expect, test } from "vitest";
import { compileSchema } from "../../../engine/schema/catalog-builder.ts";
import {
  catalogTableKeys,
  lookupTable,
  parseTableKey,
  tableKeyFor,
  tableKeyOf,
  tablePathForTableKey,
} from "../../../engine/schema/catalog.ts";
import { formatSchema } from "../../../engine/schema/format.ts";
import { requiredIndices } from "../../../engine/schema/indices.ts";
import { isDefaultCardinality } from "../../../engine/schema/property-types.ts";
import { CARDINALITY_SCHEMA } from "./helpers.ts";

describe("the CARDINALITY schema of upstream's @card tests", () => {
  const catalog = compileSchema(CARDINALITY_SCHEMA);

  test("declares two keyed nodes and one bounded edge", () => {
    expect([...catalog.nodes.keys()]).toEqual(["Company", "Person"]);
    expect(catalog.nodes.get("Person")!.key).toBe("name");
    expect(catalog.nodes.get("Company")!.key).toBe("name");
    const worksAt = catalog.edges.get("WorksAt")!;
    expect(worksAt.from).toBe("Person");
    expect(worksAt.to).toBe("Company");
    expect(worksAt.cardinality).toEqual({ min: 0, max: 1 });
    expect(isDefaultCardinality(worksAt.cardinality)).toBe(false);
  });

  test("table keys, nodes first, each kind in name order", () => {
    expect(catalogTableKeys(catalog)).toEqual(["node:Company", "node:Person", "edge:WorksAt"]);
    expect(tableKeyOf(catalog.edges.get("WorksAt")!)).toBe("edge:WorksAt");
    expect(lookupTable(catalog, "node:Person")).toBe(catalog.nodes.get("Person"));
    expect(lookupTable(catalog, "node:WorksAt")).toBeUndefined();
  });

  test("table paths are fnv1a64 of the type name, as upstream's table_path_for_table_key", () => {
    expect(tablePathForTableKey("node:Person")).toBe("nodes/40d76f1f51639ec0");
    expect(tablePathForTableKey("node:Company")).toBe("nodes/7cb4e55c59663b1c");
    expect(tablePathForTableKey("edge:WorksAt")).toBe("edges/844eefbe5068b644");
  });

  test("required indices: btree on id plus the key; edges get id, src and dst", () => {
    expect(requiredIndices(catalog, "node:Person").map((i) => i.name)).toEqual(["btree:id", "fts:name"]);
    expect(requiredIndices(catalog, "edge:WorksAt").map((i) => i.name)).toEqual(["btree:id", "btree:src", "btree:dst"]);
    expect(requiredIndices(catalog, "node:Nobody")).toEqual([]);
  });
});

test("an edge without @card has the default cardinality, which is never checked", () => {
  const catalog = compileSchema("node P {}\nedge E: P -> P\nedge F: P -> P @card(0..)");
  expect(catalog.edges.get("E")!.cardinality).toEqual({ min: 0, max: null });
  expect(isDefaultCardinality(catalog.edges.get("E")!.cardinality)).toBe(true);
  expect(isDefaultCardinality(catalog.edges.get("F")!.cardinality)).toBe(true);
});

test("table keys parse back to kind and name", () => {
  expect(tableKeyFor("node", "Person")).toBe("node:Person");
  expect(parseTableKey("edge:Works:At")).toEqual({ kind: "edge", name: "Works:At" });
});

test("index kinds follow the property type: enum and orderable scalars btree, free text fts, lists none", () => {
  const catalog = compileSchema(`node T {
    id_text: String @key
    age: I32 @index
    at: DateTime? @index
    status: enum(a, b) @index
    bio: String? @index
    tags: [String]?
    first: String?
    last: String?
    @index(first, last)
  }`);
  expect(requiredIndices(catalog, "node:T")).toEqual([
    { name: "btree:id", kind: "btree", column: "id" },
    { name: "btree:age", kind: "btree", column: "age" },
    { name: "btree:at", kind: "btree", column: "at" },
    { name: "fts:bio", kind: "fts", column: "bio" },
    { name: "fts:id_text", kind: "fts", column: "id_text" },
    { name: "btree:status", kind: "btree", column: "status" },
  ]);
});

test("a property both @key and @index gets one index; a keyless node only btree:id", () => {
  const catalog = compileSchema("node K { n: I64 @key @index }\nnode U { n: I64? }");
  expect(requiredIndices(catalog, "node:K").map((i) => i.name)).toEqual(["btree:id", "btree:n"]);
  expect(requiredIndices(catalog, "node:U").map((i) => i.name)).toEqual(["btree:id"]);
});

test("formatSchema prints source that compiles back to the same catalog", () => {
  const source = `
    node Person @rename_from("Human") { name: String @key  tags: [String]?  s: enum(x, y)?  @index(s) @unique(name) }
    node Company { name: String @key }
    edge WorksAt: Person -> Company @card(1..3) { since: Date? @index  @unique(src, dst) }
    edge Knows: Person -> Person`;
  const catalog = compileSchema(source);
  const printed = formatSchema(catalog);
  expect(printed).toBe(
    [
      "node Company {",
      "  name: String @key",
      "}",
      "",
      'node Person @rename_from("Human") {',
      "  name: String @key",
      "  s: enum(x, y)?",
      "  tags: [String]?",
      "  @index(s)",
      "  @unique(name)",
      "}",
      "",
      "edge Knows: Person -> Person",
      "",
      "edge WorksAt: Person -> Company @card(1..3) {",
      "  since: Date?",
      "  @index(since)",
      "  @unique(dst, src)",
      "}",
      "",
    ].join("\n"),
  );
  expect(compileSchema(printed)).toEqual(catalog);
});
