import { describe, expect, test } from "vitest";
import { compileSchema } from "../../../engine/schema/catalog-builder.ts";
import { planSchemaApply } from "../../../engine/schema/plan.ts";
import { firstUnsupportedChange, isPlanSupported, promoteDropsToHard, type SchemaStep } from "../../../engine/schema/steps.ts";
import { CARDINALITY_SCHEMA } from "./helpers.ts";

function plan(accepted: string, desired: string, allowDataLoss = false): SchemaStep[] {
  return planSchemaApply(compileSchema(accepted), compileSchema(desired), { allowDataLoss });
}

test("the same schema plans no steps, however it is written", () => {
  expect(plan(CARDINALITY_SCHEMA, CARDINALITY_SCHEMA)).toEqual([]);
  expect(plan(CARDINALITY_SCHEMA, "// same\n" + CARDINALITY_SCHEMA.split("\n").reverse().join("\n"))).toEqual([]);
});

describe("supported steps", () => {
  test("AddType for new node and edge types", () => {
    const desired = CARDINALITY_SCHEMA + "\nnode City { name: String @key }\nedge LivesIn: Person -> City";
    expect(plan(CARDINALITY_SCHEMA, desired)).toEqual([
      { kind: "AddType", typeKind: "node", name: "City" },
      { kind: "AddType", typeKind: "edge", name: "LivesIn" },
    ]);
  });

  test("AddProperty for a new optional property; AddConstraint for a new @index", () => {
    expect(plan("node Person { name: String @key  age: I32? }", "node Person { name: String @key  age: I32? @index  nickname: String? }")).toEqual([
      {
        kind: "AddProperty",
        typeKind: "node",
        typeName: "Person",
        property: "nickname",
        propertyType: { kind: "scalar", scalar: "String", optional: true },
      },
      { kind: "AddConstraint", typeKind: "node", typeName: "Person", constraint: { kind: "index", columns: ["age"] } },
    ]);
  });

  test("RenameType and RenameProperty from @rename_from", () => {
    expect(plan("node User { name: String @key }", 'node Account @rename_from("User") { full_name: String @key @rename_from("name") }')).toEqual([
      { kind: "RenameType", typeKind: "node", from: "User", to: "Account" },
      { kind: "RenameProperty", typeKind: "node", typeName: "Account", from: "name", to: "full_name" },
    ]);
  });

  test("a renamed node does not count as an endpoint change of its edges", () => {
    const desired = `
      node Human @rename_from("Person") { name: String @key }
      node Company { name: String @key }
      edge WorksAt: Human -> Company @card(0..1)`;
    expect(plan(CARDINALITY_SCHEMA, desired)).toEqual([{ kind: "RenameType", typeKind: "node", from: "Person", to: "Human" }]);
  });

  test("renamed edge type", () => {
    const desired = CARDINALITY_SCHEMA.replace(
      "edge WorksAt: Person -> Company @card(0..1)",
      'edge EmployedBy: Person -> Company @card(0..1) @rename_from("WorksAt")',
    );
    expect(plan(CARDINALITY_SCHEMA, desired)).toEqual([{ kind: "RenameType", typeKind: "edge", from: "WorksAt", to: "EmployedBy" }]);
  });

  test("a @rename_from left in place after the rename is a no-op", () => {
    const accepted = 'node Account @rename_from("User") { name: String @key }';
    expect(plan(accepted, accepted)).toEqual([]);
  });

  test("@unique and @card changes are AddConstraint (no table work)", () => {
    const desired = CARDINALITY_SCHEMA.replace("@card(0..1)", "@card(1..3) { @unique(src, dst) }").replace(
      "node Company { name: String @key }",
      "node Company { name: String @key @unique }",
    );
    expect(plan(CARDINALITY_SCHEMA, desired)).toEqual([
      { kind: "AddConstraint", typeKind: "node", typeName: "Company", constraint: { kind: "unique", columns: ["name"] } },
      {
        kind: "AddConstraint",
        typeKind: "edge",
        typeName: "WorksAt",
        constraint: { kind: "cardinality", from: { min: 0, max: 1 }, to: { min: 1, max: 3 } },
      },
      { kind: "AddConstraint", typeKind: "edge", typeName: "WorksAt", constraint: { kind: "unique", columns: ["dst", "src"] } },
    ]);
  });

  test("an index follows its property through a rename", () => {
    expect(plan("node P { a: I32? @index }", 'node P { b: I32? @index @rename_from("a") }')).toEqual([
      { kind: "RenameProperty", typeKind: "node", typeName: "P", from: "a", to: "b" },
    ]);
  });
});

describe("drops: Soft by default, Hard with allowDataLoss", () => {
  const accepted = "node Person { name: String @key  age: I32? }\nnode Company { name: String @key }\nedge WorksAt: Person -> Company";
  const desired = "node Person { name: String @key }";

  test("soft", () => {
    expect(plan(accepted, desired)).toEqual([
      { kind: "DropProperty", typeKind: "node", typeName: "Person", property: "age", mode: "Soft" },
      { kind: "DropType", typeKind: "node", name: "Company", mode: "Soft" },
      { kind: "DropType", typeKind: "edge", name: "WorksAt", mode: "Soft" },
    ]);
  });

  test("hard", () => {
    expect(plan(accepted, desired, true)).toEqual([
      { kind: "DropProperty", typeKind: "node", typeName: "Person", property: "age", mode: "Hard" },
      { kind: "DropType", typeKind: "node", name: "Company", mode: "Hard" },
      { kind: "DropType", typeKind: "edge", name: "WorksAt", mode: "Hard" },
    ]);
  });

  test("promoteDropsToHard leaves other steps alone and is a no-op without allowDataLoss", () => {
    const steps: SchemaStep[] = [
      { kind: "AddType", typeKind: "node", name: "A" },
      { kind: "DropType", typeKind: "node", name: "B", mode: "Soft" },
    ];
    expect(promoteDropsToHard(steps, false)).toEqual(steps);
    expect(promoteDropsToHard(steps, true)).toEqual([steps[0], { ...steps[1], mode: "Hard" }]);
  });
});

describe("unsupported changes", () => {
  const cases: [string, string, string, { entity: string; reason: string }][] = [
    [
      "changing a property's type",
      "node P { age: I32? }",
      "node P { age: I64? }",
      { entity: "node:P.age", reason: "changing the type of property 'P.age' (I32? to I64?) is not supported" },
    ],
    [
      "making an optional property required",
      "node P { age: I32? }",
      "node P { age: I32 }",
      { entity: "node:P.age", reason: "changing the type of property 'P.age' (I32? to I32) is not supported" },
    ],
    [
      "changing enum values",
      "node P { s: enum(a, b)? }",
      "node P { s: enum(a, b, c)? }",
      { entity: "node:P.s", reason: "changing the type of property 'P.s' (enum(a, b)? to enum(a, b, c)?) is not supported" },
    ],
    [
      "adding a required property",
      "node P { a: I32? }",
      "node P { a: I32?  b: String }",
      { entity: "node:P.b", reason: "adding required property 'P.b' requires a backfill and is not supported" },
    ],
    [
      "changing an edge's endpoints",
      CARDINALITY_SCHEMA,
      CARDINALITY_SCHEMA.replace("Person -> Company", "Company -> Person"),
      {
        entity: "edge:WorksAt",
        reason: "changing edge endpoints on 'WorksAt' (Person -> Company to Company -> Person) is not supported",
      },
    ],
    [
      "changing the @key",
      "node P { a: String @key  b: String }",
      "node P { a: String  b: String @key }",
      { entity: "node:P", reason: "changing the @key of node 'P' ('a' to 'b') is not supported: row ids are key values" },
    ],
    [
      "adding a @key",
      "node P { a: String }",
      "node P { a: String @key }",
      { entity: "node:P", reason: "changing the @key of node 'P' (none to 'a') is not supported: row ids are key values" },
    ],
    [
      "removing an index",
      "node P { a: I32? @index  b: I32? @unique }",
      "node P { a: I32?  b: I32? }",
      { entity: "node:P", reason: "removing constraints @index(a), @unique(b) from 'P' is not supported" },
    ],
    [
      "renaming from a type that does not exist",
      "node P {}",
      'node P {}\nnode Q @rename_from("Nope") {}',
      { entity: "node:Q", reason: `node 'Q' declares @rename_from("Nope") but nothing accepted has that name` },
    ],
    [
      "renaming from a type the desired schema still keeps",
      "node P {}",
      'node P {}\nnode Q @rename_from("P") {}',
      { entity: "node:Q", reason: `node 'Q' declares @rename_from("P") but 'P' is already continued by another declaration` },
    ],
    [
      "renaming from a property that does not exist",
      "node P { a: I32? }",
      'node P { a: I32?  b: I32? @rename_from("c") }',
      { entity: "node:P.b", reason: `property 'P.b' declares @rename_from("c") but nothing accepted has that name` },
    ],
  ];
  for (const [name, accepted, desired, expected] of cases) {
    test(name, () => {
      const steps = plan(accepted, desired);
      expect(steps.filter((s) => s.kind === "UnsupportedChange")).toEqual([{ kind: "UnsupportedChange", ...expected }]);
      expect(isPlanSupported(steps)).toBe(false);
      expect(firstUnsupportedChange(steps)).toEqual({ kind: "UnsupportedChange", ...expected });
    });
  }

  test("unsupported changes sit among the other steps in plan order", () => {
    expect(plan("node P { a: I32?  b: I32? }", 'node Q @rename_from("P") { a: F64?  c: I32? @rename_from("b")  d: Bool? }')).toEqual([
      { kind: "RenameType", typeKind: "node", from: "P", to: "Q" },
      { kind: "UnsupportedChange", entity: "node:Q.a", reason: "changing the type of property 'Q.a' (I32? to F64?) is not supported" },
      { kind: "RenameProperty", typeKind: "node", typeName: "Q", from: "b", to: "c" },
      {
        kind: "AddProperty",
        typeKind: "node",
        typeName: "Q",
        property: "d",
        propertyType: { kind: "scalar", scalar: "Bool", optional: true },
      },
    ]);
  });
});

test("isPlanSupported on a supported plan", () => {
  expect(isPlanSupported(plan("node P {}", "node P { a: I32? }"))).toBe(true);
  expect(firstUnsupportedChange([])).toBeUndefined();
});
