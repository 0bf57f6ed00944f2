import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { compileSchema } from "../../../engine/schema/catalog-builder.ts";
import {
  catalogFromIr,
  catalogFromIrJson,
  catalogToIr,
  SchemaIrError,
  schemaIrHash,
  schemaIrJson,
  schemaIrPrettyJson,
} from "../../../engine/schema/ir.ts";
import { CARDINALITY_SCHEMA } from "./helpers.ts";

const hashOf = (source: string) => schemaIrHash(compileSchema(source));

describe("IR hash stability", () => {
  test("whitespace, comments, declaration and property order do not change the hash", () => {
    const a = `node Person { name: String @key  age: I32? }
edge Knows: Person -> Person { since: Date? }`;
    const b = `// the same schema, written differently
edge Knows: Person -> Person {
  /* when they met */ since: Date?
}

node Person {
    age:   I32?
    name:  String   @key
}`;
    expect(hashOf(b)).toBe(hashOf(a));
  });

  test("annotation spelling and enum order do not change it either", () => {
    expect(hashOf("node P { a: String @key  s: enum(b, a)  @index(s) }")).toBe(
      hashOf("node P { s: enum(a, b) @index  a: String  @key(a) }"),
    );
  });

  test("any change of meaning changes it", () => {
    const base = hashOf(CARDINALITY_SCHEMA);
    const variants = [
      CARDINALITY_SCHEMA.replace("@card(0..1)", "@card(0..2)"),
      CARDINALITY_SCHEMA.replace("@card(0..1)", ""),
      CARDINALITY_SCHEMA.replace("node Person { name: String @key }", "node Person { name: String @key  age: I32? }"),
      CARDINALITY_SCHEMA.replace("node Person { name: String @key }", "node Person { name: String @key @index }"),
      CARDINALITY_SCHEMA.replace("node Company { name: String @key }", "node Company { name: String? }"),
      CARDINALITY_SCHEMA.replace("node Company {", 'node Company @rename_from("Firm") {'),
    ];
    const hashes = variants.map(hashOf);
    for (const h of hashes) expect(h).not.toBe(base);
    expect(new Set(hashes).size).toBe(variants.length);
  });

  test("a property type change gives a different hash", () => {
    expect(hashOf("node P { age: I32? }")).not.toBe(hashOf("node P { age: I64? }"));
  });

  test("the hash is sha256 of the compact canonical JSON, prefixed as upstream", () => {
    const catalog = compileSchema(CARDINALITY_SCHEMA);
    const json = schemaIrJson(catalog);
    expect(schemaIrHash(catalog)).toBe("sha256:" + createHash("sha256").update(json).digest("hex"));
    expect(schemaIrHash(catalog)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe("IR JSON", () => {
  test("the exact canonical form of the CARDINALITY schema", () => {
    expect(schemaIrJson(compileSchema(CARDINALITY_SCHEMA))).toBe(
      '{"ir_version":1,"nodes":[' +
        '{"name":"Company","rename_from":null,"key":"name","properties":[{"name":"name","type":{"kind":"scalar","scalar":"String","optional":false},"rename_from":null}],"indexes":[],"uniques":[]},' +
        '{"name":"Person","rename_from":null,"key":"name","properties":[{"name":"name","type":{"kind":"scalar","scalar":"String","optional":false},"rename_from":null}],"indexes":[],"uniques":[]}' +
        '],"edges":[' +
        '{"name":"WorksAt","rename_from":null,"from":"Person","to":"Company","cardinality":{"min":0,"max":1},"properties":[],"indexes":[],"uniques":[]}' +
        "]}",
    );
  });

  test("pretty and compact JSON read back to the same catalog", () => {
    const catalog = compileSchema(`
      node Person @rename_from("Human") { name: String @key  tags: [I64]?  s: enum(x, y)? @index  @unique(name) }
      node Company { name: String @key }
      edge WorksAt: Person -> Company @card(1..) { since: DateTime? }`);
    expect(catalogFromIrJson(schemaIrPrettyJson(catalog))).toEqual(catalog);
    expect(catalogFromIrJson(schemaIrJson(catalog))).toEqual(catalog);
    expect(schemaIrHash(catalogFromIrJson(schemaIrPrettyJson(catalog)))).toBe(schemaIrHash(catalog));
  });

  test("reordered IR arrays are re-canonicalized on read", () => {
    const ir = catalogToIr(compileSchema(CARDINALITY_SCHEMA));
    const reordered = { ...ir, nodes: [...ir.nodes].reverse() };
    expect(schemaIrHash(catalogFromIr(reordered))).toBe(schemaIrHash(compileSchema(CARDINALITY_SCHEMA)));
  });
});

describe("invalid IR raises SchemaIrError with a path", () => {
  const good = () => JSON.parse(schemaIrJson(compileSchema(CARDINALITY_SCHEMA)));
  const cases: [string, (ir: any) => unknown, string][] = [
    ["not an object", () => [], "expected an object"],
    ["wrong version", (ir) => ({ ...ir, ir_version: 2 }), "ir_version: unsupported schema ir_version 2 (expected 1)"],
    ["missing nodes", (ir) => ({ ...ir, nodes: undefined }), "nodes: expected an array"],
    [
      "bad scalar",
      (ir) => {
        ir.nodes[1].properties[0].type.scalar = "Text";
        return ir;
      },
      "nodes[1].properties[0].type.scalar: expected one of String, Bool, I32, I64, F32, F64, DateTime, Date",
    ],
    [
      "bad type kind",
      (ir) => {
        ir.nodes[0].properties[0].type.kind = "vector";
        return ir;
      },
      "nodes[0].properties[0].type.kind: expected 'scalar', 'list' or 'enum'",
    ],
    [
      "key naming no property",
      (ir) => {
        ir.nodes[0].key = "title";
        return ir;
      },
      "nodes[0].key: names no property of 'Company'",
    ],
    [
      "negative cardinality",
      (ir) => {
        ir.edges[0].cardinality.min = -1;
        return ir;
      },
      "edges[0].cardinality.min: expected a non-negative integer",
    ],
    [
      "duplicate type",
      (ir) => ({ ...ir, nodes: [ir.nodes[0], ir.nodes[0], ir.nodes[1]] }),
      "the IR declares a type name twice",
    ],
    [
      "dangling edge endpoint",
      (ir) => {
        ir.edges[0].to = "Firm";
        return ir;
      },
      "the IR does not describe a valid schema: edge 'WorksAt' references unknown target node type 'Firm'",
    ],
    [
      "index on a missing property",
      (ir) => {
        ir.nodes[1].indexes = [["age"]];
        return ir;
      },
      "the IR does not describe a valid schema: @index on node 'Person' references unknown property 'age'",
    ],
    [
      "a name the language cannot spell",
      (ir) => {
        ir.nodes[0].name = "My Company";
        return ir;
      },
      "the IR does not describe a valid schema: expected '{' to open the node body, found 'Company'",
    ],
  ];
  for (const [name, corrupt, message] of cases) {
    test(name, () => {
      let thrown: unknown = null;
      try {
        catalogFromIr(corrupt(good()));
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(SchemaIrError);
      expect((thrown as SchemaIrError).message).toBe(message);
    });
  }

  test("text that is not JSON", () => {
    expect(() => catalogFromIrJson("{nope")).toThrow(/^not valid JSON: /);
  });
});
