import { expect, test } from "vitest";
import { bucketSchemaSteps } from "../../../engine/schema/buckets.ts";
import { compileSchema } from "../../../engine/schema/catalog-builder.ts";
import { planSchemaApply } from "../../../engine/schema/plan.ts";
import { projectRow, projectRows } from "../../../engine/schema/project.ts";
import type { Row } from "../../../engine/storage/types.ts";

const accepted = compileSchema(`
  node Person { name: String @key  age: I32?  nick: String? }
  node Company { name: String @key }
  edge WorksAt: Person -> Company { since: I32?  role: String? }
`);
const desired = compileSchema(`
  node Person { name: String @key  years: I32? @rename_from("age")  email: String? }
  node Company { name: String @key }
  edge WorksAt: Person -> Company { since: I32?  badge: Bool? }
`);
const buckets = bucketSchemaSteps(planSchemaApply(accepted, desired, { allowDataLoss: false }));

test("drops removed columns, renames renamed ones, adds new optional ones as null, in target column order", () => {
  const row: Row = { id: "alice", name: "alice", age: 30, nick: "al" };
  const projected = projectRow(row, desired.nodes.get("Person")!, buckets.propertyRenames.get("node:Person"));
  expect(projected).toEqual({ id: "alice", email: null, name: "alice", years: 30 });
  expect(Object.keys(projected)).toEqual(["id", "email", "name", "years"]);
});

test("edge rows keep id, src and dst", () => {
  const row: Row = { id: "e1", src: "alice", dst: "acme", since: 2020, role: "eng" };
  expect(projectRow(row, desired.edges.get("WorksAt")!)).toEqual({ id: "e1", src: "alice", dst: "acme", badge: null, since: 2020 });
});

test("a null source value stays null; the source row is not modified", () => {
  const row: Row = { id: "bob", name: "bob", age: null, nick: null };
  const rows = projectRows([row], desired.nodes.get("Person")!, new Map([["years", "age"]]));
  expect(rows).toEqual([{ id: "bob", email: null, name: "bob", years: null }]);
  expect(row).toEqual({ id: "bob", name: "bob", age: null, nick: null });
});

test("without renames, a renamed column reads as absent (null)", () => {
  const row: Row = { id: "alice", name: "alice", age: 30 };
  expect(projectRow(row, desired.nodes.get("Person")!)).toEqual({ id: "alice", email: null, name: "alice", years: null });
});
