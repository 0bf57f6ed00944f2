import { expect } from "vitest";
import { compileSchema } from "../../../engine/schema/catalog-builder.ts";
import {
  SchemaParseError,
  type SchemaSyntaxErrorCode,
  type SchemaValidationErrorCode,
} from "../../../engine/schema/errors.ts";

/** The schema of upstream's `@card` tests (`CARDINALITY_SCHEMA`). */
export const CARDINALITY_SCHEMA = `
node Person { name: String @key }
node Company { name: String @key }
edge WorksAt: Person -> Company @card(0..1)
`;

export interface ExpectedSourceError<Code> {
  readonly code: Code;
  readonly line: number;
  readonly column: number;
  readonly detail: string;
}

/** One row of an error table: test name, source, the error it must raise. */
export type SourceErrorCase<Code extends SchemaSyntaxErrorCode | SchemaValidationErrorCode> = readonly [
  name: string,
  source: string,
  expected: ExpectedSourceError<Code>,
];

/** What compiling `source` threw: the error's class name, code, position and detail. */
export function compileError(source: string): ExpectedSourceError<string> & { readonly name: string } {
  try {
    compileSchema(source);
  } catch (e) {
    expect(e).toBeInstanceOf(SchemaParseError);
    const err = e as SchemaParseError;
    expect(err.message).toBe(`line ${err.line}, column ${err.column}: ${err.detail}`);
    return { name: err.name, code: err.code, line: err.line, column: err.column, detail: err.detail };
  }
  throw new Error(`expected the source to fail:\n${source}`);
}
