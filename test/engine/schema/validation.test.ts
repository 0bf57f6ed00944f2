import { describe, expect, test } from "vitest";
import type { SchemaValidationErrorCode } from "../../../engine/schema/errors.ts";
import { compileError, type SourceErrorCase } from "./helpers.ts";

// Each case: source, then the error's code, line, column and detail. Positions point at the
// token that breaks the rule: the second declaration, the offending annotation, the endpoint.
const cases: SourceErrorCase<SchemaValidationErrorCode>[] = [
  [
    "duplicate node type",
    "node P { a: I32 }\nnode Q {}\nnode P {}",
    { code: "DuplicateType", line: 3, column: 6, detail: "duplicate node type 'P'" },
  ],
  [
    "duplicate edge type",
    "node P {}\nedge E: P -> P\nedge E: P -> P",
    { code: "DuplicateType", line: 3, column: 6, detail: "duplicate edge type 'E'" },
  ],
  [
    "duplicate property",
    "node P {\n  a: I32\n  a: String\n}",
    { code: "DuplicateProperty", line: 3, column: 3, detail: "duplicate property 'a' on node 'P'" },
  ],
  [
    "node property named id",
    "node P {\n  id: String\n}",
    { code: "ReservedPropertyName", line: 2, column: 3, detail: "property 'P.id': 'id' is a system column of every node table" },
  ],
  [
    "edge property named src",
    "node P {}\nedge E: P -> P { src: String }",
    { code: "ReservedPropertyName", line: 2, column: 18, detail: "property 'E.src': 'src' is a system column of every edge table" },
  ],
  [
    "unknown source endpoint",
    "node Company {}\nedge WorksAt: Person -> Company",
    { code: "UnknownEndpointType", line: 2, column: 15, detail: "edge 'WorksAt' references unknown source node type 'Person'" },
  ],
  [
    "unknown target endpoint",
    "node Person {}\nedge WorksAt: Person -> Company",
    { code: "UnknownEndpointType", line: 2, column: 25, detail: "edge 'WorksAt' references unknown target node type 'Company'" },
  ],
  [
    "endpoint that is an edge, not a node",
    "node P {}\nedge E: P -> P\nedge F: P -> E",
    { code: "UnknownEndpointType", line: 3, column: 14, detail: "edge 'F' references unknown target node type 'E'" },
  ],
  [
    "constraint on an unknown property",
    "node P {\n  a: I32\n  @index(a, b)\n}",
    { code: "UnknownConstraintProperty", line: 3, column: 13, detail: "@index on node 'P' references unknown property 'b'" },
  ],
  [
    "two @key annotations on two properties",
    "node P {\n  a: String @key\n  b: String @key\n}",
    { code: "MultipleKeys", line: 3, column: 13, detail: "node 'P' declares more than one @key; only one is supported" },
  ],
  [
    "a @key annotation and a body @key",
    "node P {\n  @key(b)\n  a: String @key\n  b: String\n}",
    { code: "MultipleKeys", line: 3, column: 13, detail: "node 'P' declares more than one @key; only one is supported" },
  ],
  [
    "composite key",
    "node P {\n  a: String\n  b: String\n  @key(a, b)\n}",
    {
      code: "CompositeKey",
      line: 4,
      column: 3,
      detail: "@key on node 'P' must name exactly one property (composite keys are not modelled)",
    },
  ],
  [
    "optional key",
    "node P {\n  a: String? @key\n}",
    { code: "InvalidKeyProperty", line: 2, column: 14, detail: "@key property 'P.a' cannot be optional" },
  ],
  [
    "@key on an edge property",
    "node P {}\nedge E: P -> P {\n  a: String @key\n}",
    { code: "KeyOnEdge", line: 3, column: 13, detail: "@key is not supported on edges (edge 'E')" },
  ],
  [
    "body @key on an edge",
    "node P {}\nedge E: P -> P {\n  @key(src)\n}",
    { code: "KeyOnEdge", line: 3, column: 3, detail: "@key is not supported on edges (edge 'E')" },
  ],
  [
    "@key on the edge itself",
    "node P {}\nedge E: P -> P @key",
    { code: "KeyOnEdge", line: 2, column: 16, detail: "@key is not supported on edges (edge 'E')" },
  ],
  [
    "@index on a list",
    "node P {\n  tags: [String] @index\n}",
    { code: "ConstraintOnList", line: 2, column: 18, detail: "@index is not supported on list property 'P.tags'" },
  ],
  [
    "the same annotation twice on a property",
    "node P {\n  a: String @index @index\n}",
    { code: "DuplicateAnnotation", line: 2, column: 20, detail: "property 'P.a' declares @index more than once" },
  ],
  [
    "@rename_from twice on a type",
    'node P @rename_from("A") @rename_from("B") {}',
    { code: "DuplicateAnnotation", line: 1, column: 26, detail: "node 'P' declares @rename_from more than once" },
  ],
  [
    "@index on a node type",
    "node P @index {}",
    {
      code: "AnnotationNotAllowedHere",
      line: 1,
      column: 8,
      detail: "@index is only supported on properties or as a body constraint (node 'P')",
    },
  ],
  [
    "empty @rename_from",
    'node P {\n  a: I32 @rename_from("  ")\n}',
    { code: "EmptyRenameFrom", line: 2, column: 10, detail: "@rename_from on property 'P.a' needs a non-empty name" },
  ],
  [
    "duplicate enum value",
    "node P {\n  s: enum(a, b, a)\n}",
    { code: "DuplicateEnumValue", line: 2, column: 17, detail: "enum value 'a' appears more than once" },
  ],
  [
    "@card min above max",
    "node P {}\nedge E: P -> P @card(2..1)",
    { code: "CardinalityMinExceedsMax", line: 2, column: 16, detail: "@card on edge 'E': min (2) exceeds max (1)" },
  ],
];

describe("validation errors carry code, line and column", () => {
  for (const [name, source, expected] of cases) {
    test(name, () => {
      expect(compileError(source)).toEqual({ name: "SchemaValidationError", ...expected });
    });
  }

  test("the first broken rule in source order is the one reported", () => {
    const source = "node A {}\nedge E: A -> Missing\nnode A {}";
    expect(compileError(source)).toMatchObject({ code: "UnknownEndpointType", line: 2, column: 14 });
  });

  test("a node and an edge may share a name, as upstream allows (their table keys differ)", () => {
    expect(() => compileError("node Link {}\nedge Link: Link -> Link")).toThrow("expected the source to fail");
  });
});
