import { expect, test } from "vitest";
import { bucketSchemaSteps, UnsupportedSchemaChangeError } from "../../../engine/schema/buckets.ts";
import { compileSchema } from "../../../engine/schema/catalog-builder.ts";
import { planSchemaApply } from "../../../engine/schema/plan.ts";
import type { SchemaStep } from "../../../engine/schema/steps.ts";
import { CARDINALITY_SCHEMA } from "./helpers.ts";

function buckets(accepted: string, desired: string, allowDataLoss = false) {
  return bucketSchemaSteps(planSchemaApply(compileSchema(accepted), compileSchema(desired), { allowDataLoss }));
}

const ACCEPTED = `
  node Person { name: String @key  age: I32?  nick: String? }
  node Company { name: String @key }
  node Old { id_text: String @key }
  edge WorksAt: Person -> Company @card(0..1)
  edge Likes: Person -> Company
`;
const DESIRED = `
  node Person { name: String @key  years: I32? @rename_from("age")  email: String? }
  node Firm @rename_from("Company") { name: String @key  city: String? }
  node City { name: String @key }
  edge WorksAt: Person -> Firm @card(0..2)
`;

test("every bucket of a mixed plan, soft", () => {
  expect(buckets(ACCEPTED, DESIRED)).toEqual({
    addedTables: ["node:City"],
    renamedTables: new Map([["node:Firm", "node:Company"]]),
    rewrittenTables: ["node:Person"],
    droppedTables: ["edge:Likes", "node:Old"],
    hardCleanupTargets: [],
    propertyRenames: new Map([["node:Person", new Map([["years", "age"]])]]),
    changedEdgeTables: true,
  });
});

test("hard drops become cleanup targets, in step order", () => {
  const b = buckets(ACCEPTED, DESIRED, true);
  expect(b.hardCleanupTargets).toEqual(["node:Person", "node:Old", "edge:Likes"]);
  expect(b.droppedTables).toEqual(["edge:Likes", "node:Old"]);
  expect(b.rewrittenTables).toEqual(["node:Person"]);
});

test("a renamed table with property changes is written at its new path, not rewritten in place", () => {
  const b = buckets("node User { name: String @key  age: I32? }", 'node Account @rename_from("User") { full_name: String @key @rename_from("name") }', true);
  expect(b.renamedTables).toEqual(new Map([["node:Account", "node:User"]]));
  expect(b.rewrittenTables).toEqual([]);
  expect(b.propertyRenames).toEqual(new Map([["node:Account", new Map([["full_name", "name"]])]]));
  // As upstream: the Hard property drop names the new key.
  expect(b.hardCleanupTargets).toEqual(["node:Account"]);
  expect(b.changedEdgeTables).toBe(false);
});

test("constraint-only plans need no table work", () => {
  const b = buckets(CARDINALITY_SCHEMA, CARDINALITY_SCHEMA.replace("@card(0..1)", "@card(0..5)").replace("node Person { name: String @key }", "node Person { name: String @key @index }"));
  expect(b).toEqual({
    addedTables: [],
    renamedTables: new Map(),
    rewrittenTables: [],
    droppedTables: [],
    hardCleanupTargets: [],
    propertyRenames: new Map(),
    changedEdgeTables: false,
  });
});

test("an edge property change marks edge tables changed", () => {
  const b = buckets(CARDINALITY_SCHEMA, CARDINALITY_SCHEMA.replace("@card(0..1)", "@card(0..1) { since: I32? }"));
  expect(b.rewrittenTables).toEqual(["edge:WorksAt"]);
  expect(b.changedEdgeTables).toBe(true);
});

test("an unsupported step throws UnsupportedSchemaChangeError carrying it", () => {
  const steps: SchemaStep[] = [
    { kind: "AddType", typeKind: "node", name: "A" },
    { kind: "UnsupportedChange", entity: "node:P.age", reason: "changing the type of property 'P.age' (I32? to I64?) is not supported" },
  ];
  let thrown: unknown = null;
  try {
    bucketSchemaSteps(steps);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(UnsupportedSchemaChangeError);
  expect((thrown as UnsupportedSchemaChangeError).step).toBe(steps[1]);
  expect((thrown as UnsupportedSchemaChangeError).message).toBe("changing the type of property 'P.age' (I32? to I64?) is not supported");
});
