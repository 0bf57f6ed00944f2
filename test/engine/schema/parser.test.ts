import { describe, expect, test } from "vitest";
import { compileSchema } from "../../../engine/schema/catalog-builder.ts";
import { parseSchemaSource } from "../../../engine/schema/parser.ts";
import { tokenize } from "../../../engine/schema/tokens.ts";
import type { SchemaSyntaxErrorCode } from "../../../engine/schema/errors.ts";
import { compileError, type SourceErrorCase } from "./helpers.ts";

describe("tokenizer", () => {
  test("skips comments and whitespace, keeps 1-based positions", () => {
    const tokens = tokenize("// heading\nnode /* inline */ P {\n  a: I32?\n}");
    expect(tokens.map((t) => [t.kind, t.text, t.at.line, t.at.column])).toEqual([
      ["word", "node", 2, 1],
      ["word", "P", 2, 19],
      ["{", "{", 2, 21],
      ["word", "a", 3, 3],
      [":", ":", 3, 4],
      ["word", "I32", 3, 6],
      ["?", "?", 3, 9],
      ["}", "}", 4, 1],
      ["eof", "", 4, 2],
    ]);
  });

  test("reads .., ->, integers and decoded strings", () => {
    const tokens = tokenize('0..12 -> "a\\"b\\n"');
    expect(tokens.map((t) => t.kind)).toEqual(["integer", "..", "integer", "->", "string", "eof"]);
    const str = tokens[4]!;
    expect(str.kind === "string" ? str.value : null).toBe('a"b\n');
  });

  test("a character outside the BMP counts as one column", () => {
    expect(() => tokenize("/* 😀 */ #")).toThrow("line 1, column 9: unexpected character '#'");
  });
});

describe("happy paths", () => {
  test("the brief's Person node", () => {
    const catalog = compileSchema("node Person { name: String @key  age: I32?  email: String @index }");
    const person = catalog.nodes.get("Person")!;
    expect(person.key).toBe("name");
    expect([...person.properties.values()]).toEqual([
      { name: "age", type: { kind: "scalar", scalar: "I32", optional: true }, renameFrom: null },
      { name: "email", type: { kind: "scalar", scalar: "String", optional: false }, renameFrom: null },
      { name: "name", type: { kind: "scalar", scalar: "String", optional: false }, renameFrom: null },
    ]);
    expect(person.indexes).toEqual([["email"]]);
    expect(person.uniques).toEqual([]);
    expect(person.renameFrom).toBeNull();
  });

  test("every property type, optional and not", () => {
    const catalog = compileSchema(`
      node T {
        s: String
        b: Bool?
        i: I32
        l: I64?
        f: F32
        d: F64?
        at: DateTime
        day: Date?
        status: enum(open, closed, in-progress)
        tags: [String]?
        scores: [F64]
      }`);
    const types = Object.fromEntries([...catalog.nodes.get("T")!.properties.values()].map((p) => [p.name, p.type]));
    expect(types).toEqual({
      at: { kind: "scalar", scalar: "DateTime", optional: false },
      b: { kind: "scalar", scalar: "Bool", optional: true },
      d: { kind: "scalar", scalar: "F64", optional: true },
      day: { kind: "scalar", scalar: "Date", optional: true },
      f: { kind: "scalar", scalar: "F32", optional: false },
      i: { kind: "scalar", scalar: "I32", optional: false },
      l: { kind: "scalar", scalar: "I64", optional: true },
      s: { kind: "scalar", scalar: "String", optional: false },
      scores: { kind: "list", element: "F64", optional: false },
      status: { kind: "enum", values: ["closed", "in-progress", "open"], optional: false },
      tags: { kind: "list", element: "String", optional: true },
    });
  });

  test("body constraints and annotations desugar to the same catalog", () => {
    const annotated = compileSchema("node P { name: String @key  email: String @index @unique  age: I32? @index }");
    const body = compileSchema(`node P {
      name: String
      email: String
      age: I32?
      @key(name)
      @unique(email)
      @index(email)
      @index(age)
    }`);
    expect(body).toEqual(annotated);
    expect(annotated.nodes.get("P")!.indexes).toEqual([["age"], ["email"]]);
    expect(annotated.nodes.get("P")!.uniques).toEqual([["email"]]);
  });

  test("composite constraints keep their columns sorted", () => {
    const catalog = compileSchema("node P { b: I32  a: I32  @index(b, a) @unique(b, a) }");
    expect(catalog.nodes.get("P")!.indexes).toEqual([["a", "b"]]);
    expect(catalog.nodes.get("P")!.uniques).toEqual([["a", "b"]]);
  });

  test("edges: with and without body, cardinality, endpoint constraints", () => {
    const catalog = compileSchema(`
      node Person { name: String @key }
      node Company { name: String @key }
      edge Knows: Person -> Person
      edge WorksAt: Person -> Company @card(1..) @rename_from("EmployedBy") {
        since: I32? @index
        @unique(src, dst)
      }`);
    const knows = catalog.edges.get("Knows")!;
    expect(knows).toEqual({
      kind: "edge",
      name: "Knows",
      from: "Person",
      to: "Person",
      cardinality: { min: 0, max: null },
      properties: new Map(),
      indexes: [],
      uniques: [],
      renameFrom: null,
    });
    const worksAt = catalog.edges.get("WorksAt")!;
    expect(worksAt.cardinality).toEqual({ min: 1, max: null });
    expect(worksAt.renameFrom).toBe("EmployedBy");
    expect(worksAt.indexes).toEqual([["since"]]);
    expect(worksAt.uniques).toEqual([["dst", "src"]]);
  });

  test("@rename_from on types and properties", () => {
    const catalog = compileSchema('node Account @rename_from("User") { full_name: String @key @rename_from("name") }');
    const account = catalog.nodes.get("Account")!;
    expect(account.renameFrom).toBe("User");
    expect(account.properties.get("full_name")!.renameFrom).toBe("name");
    expect(account.key).toBe("full_name");
  });

  test("types and properties iterate in name order whatever the source order", () => {
    const catalog = compileSchema("node Zed { z: I32? a: I32? } node Alpha { m: I32? } edge Y: Zed -> Alpha edge B: Alpha -> Zed");
    expect([...catalog.nodes.keys()]).toEqual(["Alpha", "Zed"]);
    expect([...catalog.edges.keys()]).toEqual(["B", "Y"]);
    expect([...catalog.nodes.get("Zed")!.properties.keys()]).toEqual(["a", "z"]);
  });

  test("an empty source is an empty schema", () => {
    expect(compileSchema("  // nothing\n")).toEqual({ nodes: new Map(), edges: new Map() });
  });

  test("the AST keeps positions for the validator", () => {
    const ast = parseSchemaSource("node P {\n  a: I32 @index\n}\nedge E: P -> P @card(0..1)");
    const [node, edge] = ast.declarations;
    expect(node!.at).toEqual({ line: 1, column: 6 });
    expect(node!.properties[0]!.annotations).toEqual([{ name: "index", value: null, at: { line: 2, column: 10 } }]);
    expect(edge!.kind === "edge" ? edge!.cardinality : null).toEqual({ min: 0, max: 1, at: { line: 4, column: 16 } });
  });
});

describe("syntax errors name what was expected, with line and column", () => {
  const cases: SourceErrorCase<SchemaSyntaxErrorCode>[] = [
    [
      "unexpected character",
      "node P {\n  a: String #\n}",
      { code: "UnexpectedCharacter", line: 2, column: 13, detail: "unexpected character '#'" },
    ],
    [
      "unterminated string",
      'node P @rename_from("abc',
      { code: "UnterminatedString", line: 1, column: 21, detail: "unterminated string: expected a closing '\"'" },
    ],
    [
      "unterminated comment",
      "node P {}\n/* never closed",
      { code: "UnterminatedComment", line: 2, column: 1, detail: "unterminated block comment: expected '*/'" },
    ],
    [
      "invalid escape",
      'node P @rename_from("a\\q") {}',
      {
        code: "InvalidEscape",
        line: 1,
        column: 23,
        detail: "invalid escape '\\q' in string: expected one of \\\" \\\\ \\n \\t \\r",
      },
    ],
    [
      "missing colon",
      "node P {\n  name String\n}",
      { code: "UnexpectedToken", line: 2, column: 8, detail: "expected ':' after the property name, found 'String'" },
    ],
    [
      "unknown property type",
      "node P { a: Strin }",
      {
        code: "UnexpectedToken",
        line: 1,
        column: 13,
        detail: "expected a property type (String, Bool, I32, I64, F32, F64, DateTime, Date, enum(...) or [T]), found 'Strin'",
      },
    ],
    [
      "unknown list element type",
      "node P { a: [Vector] }",
      {
        code: "UnexpectedToken",
        line: 1,
        column: 14,
        detail: "expected a list element type (String, Bool, I32, I64, F32, F64, DateTime, Date), found 'Vector'",
      },
    ],
    [
      "end of input inside a body",
      "node P {\n  name: String",
      {
        code: "UnexpectedToken",
        line: 2,
        column: 15,
        detail: "expected a property, a body constraint (@key(...), @index(...), @unique(...)) or '}', found end of input",
      },
    ],
    [
      "a top-level word that is not a declaration",
      "node P {}\ntable T {}",
      { code: "UnexpectedToken", line: 2, column: 1, detail: "expected 'node' or 'edge', found 'table'" },
    ],
    [
      "interfaces are outside the subset",
      "interface Named { name: String }",
      {
        code: "UnexpectedToken",
        line: 1,
        column: 1,
        detail: "expected 'node' or 'edge' (interfaces are not part of this model), found 'interface'",
      },
    ],
    [
      "lowercase type name",
      "node person {}",
      {
        code: "UnexpectedToken",
        line: 1,
        column: 6,
        detail: "expected a node type name (a name starting with an uppercase letter), found 'person'",
      },
    ],
    [
      "uppercase property name",
      "node P { Name: String }",
      {
        code: "UnexpectedToken",
        line: 1,
        column: 10,
        detail: "expected a property name (a name starting with a lowercase letter or '_'), found 'Name'",
      },
    ],
    [
      "edge without arrow",
      "node A {}\nedge E: A B",
      { code: "UnexpectedToken", line: 2, column: 11, detail: "expected '->' between the edge's endpoint types, found 'B'" },
    ],
    [
      "@card without '..'",
      "node A {}\nedge E: A -> A @card(1)",
      { code: "UnexpectedToken", line: 2, column: 23, detail: "expected '..' between the @card bounds, found ')'" },
    ],
    [
      "@card bound beyond u32",
      "node A {}\nedge E: A -> A @card(0..4294967296)",
      {
        code: "NumberOutOfRange",
        line: 2,
        column: 25,
        detail: "the maximum edge count 4294967296 is out of range: expected at most 4294967295",
      },
    ],
    [
      "@card after another annotation",
      'node A {}\nedge E: A -> A @rename_from("F") @card(0..1)',
      {
        code: "UnexpectedToken",
        line: 2,
        column: 34,
        detail: "expected '{' or an annotation (@card must come right after the edge's endpoints), found '@'",
      },
    ],
    [
      "@card on a node",
      "node A @card(0..1) {}",
      { code: "UnexpectedToken", line: 1, column: 8, detail: "expected '{' (@card is only allowed on edges), found '@'" },
    ],
    [
      "body constraint outside the body",
      "node A @key(name) { name: String }",
      {
        code: "UnexpectedToken",
        line: 1,
        column: 8,
        detail: "expected '{' (body constraints such as @key(...) go inside the node body), found '@'",
      },
    ],
    [
      "unknown annotation",
      "node P { a: String @description }",
      {
        code: "UnknownAnnotation",
        line: 1,
        column: 20,
        detail: "unknown annotation '@description': expected @key, @index, @unique or @rename_from(\"...\")",
      },
    ],
    [
      "@rename_from without a string",
      "node P @rename_from(Old) {}",
      { code: "UnexpectedToken", line: 1, column: 21, detail: "expected a quoted name in @rename_from(\"...\"), found 'Old'" },
    ],
    [
      "constraint with a string argument",
      'node P { a: String @key("a") }',
      {
        code: "UnexpectedToken",
        line: 1,
        column: 25,
        detail: "expected a property name (a name starting with a lowercase letter or '_'), found string \"a\"",
      },
    ],
    [
      "enum without values",
      "node P { s: enum() }",
      { code: "UnexpectedToken", line: 1, column: 18, detail: "expected an enum value (letters, digits, '_' or '-'), found ')'" },
    ],
  ];

  for (const [name, source, expected] of cases) {
    test(name, () => {
      expect(compileError(source)).toEqual({ name: "SchemaSyntaxError", ...expected });
    });
  }
});
