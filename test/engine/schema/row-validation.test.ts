import { describe, expect, test } from "vitest";
import { compileSchema } from "../../../engine/schema/catalog-builder.ts";
import { validateEdgeRow, validateNodeRow } from "../../../engine/schema/row-validation.ts";

const catalog = compileSchema(`
  node Person {
    name: String @key
    age: I32?
    score: F64?
    ratio: F32?
    big: I64?
    active: Bool?
    born: Date?
    seen: DateTime?
    status: enum(active, in-progress)?
    tags: [String]?
  }
  node Company { name: String @key }
  edge WorksAt: Person -> Company @card(0..1) { since: I32 }
`);
const person = catalog.nodes.get("Person")!;
const worksAt = catalog.edges.get("WorksAt")!;

describe("node rows", () => {
  test("a full valid row has no violations", () => {
    const row = {
      id: "alice",
      name: "alice",
      age: 30,
      score: 1.5,
      ratio: 0.25,
      big: 9007199254740991,
      active: true,
      born: "2000-02-29",
      seen: "2026-06-24T19:03:51.123Z",
      status: "in-progress",
      tags: ["a", "b"],
    };
    expect(validateNodeRow(person, row)).toEqual([]);
  });

  test("optional properties may be null or absent", () => {
    expect(validateNodeRow(person, { id: "bob", name: "bob", age: null })).toEqual([]);
  });

  test("every violation, in order: system columns, unknown columns, properties by name, key", () => {
    const row = { id: "", nickname: "x", age: 1.5, status: "gone", tags: ["a", 1] };
    expect(validateNodeRow(person, row).map((v) => [v.kind, v.column])).toEqual([
      ["MissingSystemColumn", "id"],
      ["UnknownColumn", "nickname"],
      ["WrongType", "age"],
      ["MissingRequired", "name"],
      ["NotInEnum", "status"],
      ["WrongType", "tags"],
    ]);
  });

  test("messages and details are exact", () => {
    expect(validateNodeRow(person, { id: "a", name: "a", age: 2 ** 31, status: "gone" })).toEqual([
      {
        kind: "WrongType",
        column: "age",
        expected: "I32",
        found: "integer 2147483648",
        message: "node 'Person'.age expects I32, found integer 2147483648",
      },
      {
        kind: "NotInEnum",
        column: "status",
        value: "gone",
        allowed: ["active", "in-progress"],
        message: `node 'Person'.status value "gone" is not one of active, in-progress`,
      },
    ]);
  });

  test("the id must be the @key value", () => {
    expect(validateNodeRow(person, { id: "alice", name: "bob" })).toEqual([
      { kind: "KeyMismatch", column: "name", id: "alice", key: "bob", message: "node 'Person' row id 'alice' is not its @key name 'bob'" },
    ]);
  });

  const wrongValues: [string, unknown][] = [
    ["age", "30"],
    ["age", -(2 ** 31) - 1],
    ["big", 2 ** 53],
    ["score", Number.POSITIVE_INFINITY],
    ["score", Number.NaN],
    ["ratio", 1e39],
    ["active", 1],
    ["born", "2001-02-29"],
    ["born", "2000-13-01"],
    ["born", "2000-1-01"],
    ["seen", "2026-06-24"],
    ["seen", "2026-06-24T24:00:00Z"],
    ["seen", "2026-06-24T10:00:00"],
    ["seen", 1750000000000],
    ["status", 3],
    ["tags", "a"],
    ["tags", [null]],
  ];
  for (const [column, value] of wrongValues) {
    test(`${column} rejects ${String(value)}`, () => {
      expect(validateNodeRow(person, { id: "a", name: "a", [column]: value }).map((v) => [v.kind, v.column])).toEqual([
        ["WrongType", column],
      ]);
    });
  }

  test("date-times with offsets and fractions are accepted", () => {
    for (const seen of ["2026-06-24T19:03:51+02:00", "2026-06-24T19:03:51.123456789-05:30", "2024-02-29T00:00:00Z"]) {
      expect(validateNodeRow(person, { id: "a", name: "a", seen })).toEqual([]);
    }
  });
});

describe("edge rows", () => {
  test("a valid edge row", () => {
    expect(validateEdgeRow(worksAt, { id: "01J0", src: "alice", dst: "acme", since: 2020 })).toEqual([]);
  });

  test("src and dst are required system columns; required properties too", () => {
    expect(validateEdgeRow(worksAt, { id: "01J0", src: 5 })).toEqual([
      { kind: "MissingSystemColumn", column: "src", message: "edge 'WorksAt' row needs a non-empty string 'src'" },
      { kind: "MissingSystemColumn", column: "dst", message: "edge 'WorksAt' row needs a non-empty string 'dst'" },
      { kind: "MissingRequired", column: "since", message: "edge 'WorksAt' row is missing required property 'since'" },
    ]);
  });
});
