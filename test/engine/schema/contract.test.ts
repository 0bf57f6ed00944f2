import { describe, expect, test } from "vitest";
import { compileSchema } from "../../../engine/schema/catalog-builder.ts";
import {
  parseSchemaState,
  renderSchemaContract,
  SCHEMA_CONTRACT_FILES,
  SCHEMA_CONTRACT_STAGING_FILES,
  SchemaContractError,
  stagingName,
  validateSchemaContract,
  type SchemaContractTexts,
} from "../../../engine/schema/contract.ts";
import { SchemaParseError } from "../../../engine/schema/errors.ts";
import { SchemaIrError, schemaIrHash, schemaIrPrettyJson } from "../../../engine/schema/ir.ts";
import { CARDINALITY_SCHEMA } from "./helpers.ts";

const contract = renderSchemaContract(CARDINALITY_SCHEMA);
const texts: SchemaContractTexts = { source: contract.source, irJson: contract.irJson, stateJson: contract.stateJson };
const hash = schemaIrHash(compileSchema(CARDINALITY_SCHEMA));

function failure(t: SchemaContractTexts): SchemaContractError {
  const check = validateSchemaContract(t);
  if (check.ok) throw new Error("expected the contract check to fail");
  return check.error;
}

test("file names and their staging names, as upstream's schema_state.rs", () => {
  expect(SCHEMA_CONTRACT_FILES).toEqual(["_schema.pg", "_schema.ir.json", "__schema_state.json"]);
  expect(SCHEMA_CONTRACT_STAGING_FILES).toEqual(["_schema.pg.staging", "_schema.ir.json.staging", "__schema_state.json.staging"]);
  expect(stagingName("__schema_state.json")).toBe("__schema_state.json.staging");
});

test("the rendered state file", () => {
  expect(contract.stateJson).toBe(
    `{\n  "format_version": 1,\n  "schema_ir_hash": "${hash}",\n  "schema_identity_version": 1\n}`,
  );
  expect(contract.state).toEqual({ format_version: 1, schema_ir_hash: hash, schema_identity_version: 1 });
  expect(contract.irJson).toBe(schemaIrPrettyJson(compileSchema(CARDINALITY_SCHEMA)));
  expect(contract.source).toBe(CARDINALITY_SCHEMA);
});

test("rendering a source that does not compile throws the parse error", () => {
  expect(() => renderSchemaContract("node {")).toThrow(SchemaParseError);
});

describe("validateSchemaContract", () => {
  test("three agreeing files pass and yield the accepted catalog", () => {
    const check = validateSchemaContract(texts);
    expect(check).toEqual({
      ok: true,
      catalog: compileSchema(CARDINALITY_SCHEMA),
      state: { format_version: 1, schema_ir_hash: hash, schema_identity_version: 1 },
    });
  });

  test("a source reformatted or commented still agrees", () => {
    const reformatted = "// accepted\n" + CARDINALITY_SCHEMA.replaceAll(" ", "  ");
    expect(validateSchemaContract({ ...texts, source: reformatted }).ok).toBe(true);
  });

  test("SourceInvalid: the source does not compile", () => {
    const error = failure({ ...texts, source: "node Person {" });
    expect(error.code).toBe("SourceInvalid");
    expect(error.underlying).toBeInstanceOf(SchemaParseError);
    expect(error.detail).toBe(
      "current _schema.pg is not a valid accepted schema definition: line 1, column 14: " +
        "expected a property, a body constraint (@key(...), @index(...), @unique(...)) or '}', found end of input",
    );
    expect(error.message).toBe(`schema evolution is locked down in phase 1: ${error.detail}; manual coordination is required`);
  });

  test("IrInvalid: the IR is not JSON", () => {
    const error = failure({ ...texts, irJson: "{" });
    expect(error.code).toBe("IrInvalid");
    expect(error.underlying).toBeInstanceOf(SchemaIrError);
    expect(error.detail).toMatch(/^accepted compiled schema contract in _schema\.ir\.json is invalid: not valid JSON: /);
  });

  test("IrInvalid: the IR is JSON but no schema", () => {
    const error = failure({ ...texts, irJson: texts.irJson.replace('"to": "Company"', '"to": "Firm"') });
    expect(error.code).toBe("IrInvalid");
    expect(error.detail).toBe(
      "accepted compiled schema contract in _schema.ir.json is invalid: the IR does not describe a valid schema: " +
        "edge 'WorksAt' references unknown target node type 'Firm'",
    );
  });

  test("StateInvalid: the state is not JSON, or lacks a field", () => {
    expect(failure({ ...texts, stateJson: "" }).code).toBe("StateInvalid");
    const error = failure({ ...texts, stateJson: '{"format_version": 1, "schema_identity_version": 1}' });
    expect(error.code).toBe("StateInvalid");
    expect(error.detail).toBe("graph schema state in __schema_state.json is invalid: schema_ir_hash: expected a string");
  });

  test("UnsupportedStateFormat", () => {
    const error = failure({ ...texts, stateJson: texts.stateJson.replace('"format_version": 1', '"format_version": 2') });
    expect(error.code).toBe("UnsupportedStateFormat");
    expect(error.detail).toBe("graph schema state format 2 is unsupported");
  });

  test("IrHashMismatch: the IR changed under the recorded hash", () => {
    const other = renderSchemaContract(CARDINALITY_SCHEMA.replace("@card(0..1)", "@card(0..2)"));
    const error = failure({ ...texts, irJson: other.irJson });
    expect(error.code).toBe("IrHashMismatch");
    expect(error.detail).toBe("accepted compiled schema does not match the recorded schema state");
  });

  test("SourceMismatch: the source was edited without a schema apply", () => {
    const error = failure({ ...texts, source: CARDINALITY_SCHEMA.replace("@card(0..1)", "") });
    expect(error.code).toBe("SourceMismatch");
    expect(error.detail).toBe("current _schema.pg no longer matches the accepted compiled schema");
  });

  test("checks run in upstream's order: a bad source is reported before a bad state", () => {
    expect(failure({ source: "node", irJson: "{", stateJson: "" }).code).toBe("SourceInvalid");
    expect(failure({ ...texts, irJson: "{", stateJson: "" }).code).toBe("IrInvalid");
  });
});

test("parseSchemaState reads upstream's field names", () => {
  expect(parseSchemaState('{"format_version":1,"schema_ir_hash":"sha256:ab","schema_identity_version":3}')).toEqual({
    ok: true,
    state: { format_version: 1, schema_ir_hash: "sha256:ab", schema_identity_version: 3 },
  });
  expect(parseSchemaState('{"format_version":"1","schema_ir_hash":"x","schema_identity_version":1}')).toEqual({
    ok: false,
    reason: "format_version: expected a non-negative integer",
  });
});
