// The three schema-contract files at the graph root (engine-model section 1, upstream
// `db/schema_state.rs`): `_schema.pg` (the accepted source), `_schema.ir.json` (its compiled
// IR) and `__schema_state.json` (the IR's hash). Schema apply writes them under `.staging`
// names first and renames them after its manifest publish. This file renders the three texts
// and checks that three texts agree; reading and writing them is the engine's job.

import type { Catalog } from "./catalog.ts";
import { compileSchema } from "./catalog-builder.ts";
import { SchemaParseError } from "./errors.ts";
import { catalogFromIrJson, schemaIrHash, schemaIrPrettyJson, SchemaIrError } from "./ir.ts";

export const SCHEMA_SOURCE_FILE = "_schema.pg";
export const SCHEMA_IR_FILE = "_schema.ir.json";
export const SCHEMA_STATE_FILE = "__schema_state.json";
export const SCHEMA_CONTRACT_FILES = [SCHEMA_SOURCE_FILE, SCHEMA_IR_FILE, SCHEMA_STATE_FILE] as const;
export type SchemaContractFile = (typeof SCHEMA_CONTRACT_FILES)[number];

export const STAGING_SUFFIX = ".staging";

/** `_schema.pg` -> `_schema.pg.staging`, and so on. */
export function stagingName(file: SchemaContractFile): string {
  return file + STAGING_SUFFIX;
}

export const SCHEMA_CONTRACT_STAGING_FILES = SCHEMA_CONTRACT_FILES.map(stagingName);

export const SCHEMA_STATE_FORMAT_VERSION = 1;
export const SCHEMA_IDENTITY_VERSION = 1;

/** The JSON of `__schema_state.json`, field names as upstream writes them. */
export interface SchemaState {
  readonly format_version: number;
  readonly schema_ir_hash: string;
  readonly schema_identity_version: number;
}

/** The three files' contents. */
export interface SchemaContractTexts {
  readonly source: string;
  readonly irJson: string;
  readonly stateJson: string;
}

export function schemaStateFor(catalog: Catalog): SchemaState {
  return {
    format_version: SCHEMA_STATE_FORMAT_VERSION,
    schema_ir_hash: schemaIrHash(catalog),
    schema_identity_version: SCHEMA_IDENTITY_VERSION,
  };
}

/**
 * The three texts for accepted source `source`, as a bootstrap or a schema apply writes them.
 * Throws `SchemaParseError` when the source does not compile.
 */
export function renderSchemaContract(source: string): RenderedContract {
  let rendered = renderedBySource.get(source);
  if (rendered === undefined) {
    const catalog = compileSchema(source);
    const state = schemaStateFor(catalog);
    rendered = Object.freeze({ source, irJson: schemaIrPrettyJson(catalog), stateJson: JSON.stringify(state, null, 2), catalog, state });
    if (renderedBySource.size >= 32) renderedBySource.clear();
    renderedBySource.set(source, rendered);
  }
  return rendered;
}

type RenderedContract = SchemaContractTexts & { readonly catalog: Catalog; readonly state: SchemaState };

/** Renderings by source: a pure function of the text that every init and apply repeats. */
const renderedBySource = new Map<string, RenderedContract>();

export type SchemaContractErrorCode =
  /** `_schema.pg` does not compile. */
  | "SourceInvalid"
  /** `_schema.ir.json` is not JSON, or not a valid IR. */
  | "IrInvalid"
  /** `__schema_state.json` is not JSON of the right shape. */
  | "StateInvalid"
  | "UnsupportedStateFormat"
  /** The IR does not hash to the recorded `schema_ir_hash`. */
  | "IrHashMismatch"
  /** The source compiles to a different IR than the accepted one. */
  | "SourceMismatch";

export class SchemaContractError extends Error {
  override readonly name = "SchemaContractError";
  constructor(
    readonly code: SchemaContractErrorCode,
    /** Upstream's detail text, without the lock-down wrapper. */
    readonly detail: string,
    /** The parse or IR error behind SourceInvalid / IrInvalid. */
    readonly underlying: SchemaParseError | SchemaIrError | null = null,
  ) {
    super(`schema evolution is locked down in phase 1: ${detail}; manual coordination is required`);
  }
}

export type SchemaContractCheck =
  | { readonly ok: true; readonly catalog: Catalog; readonly state: SchemaState }
  | { readonly ok: false; readonly error: SchemaContractError };

function fail(code: SchemaContractErrorCode, detail: string, underlying: SchemaParseError | SchemaIrError | null = null): SchemaContractCheck {
  return { ok: false, error: new SchemaContractError(code, detail, underlying) };
}

/**
 * Checks that the three files agree, in upstream's order: the source compiles, the IR and
 * the state parse, the state's format is known, the IR re-hashes to `schema_ir_hash`, and the
 * source compiles to that same IR. Pure: never throws for bad input.
 */
export function validateSchemaContract(texts: SchemaContractTexts): SchemaContractCheck {
  let sourceCatalog: Catalog;
  try {
    sourceCatalog = compileSchema(texts.source);
  } catch (e) {
    if (!(e instanceof SchemaParseError)) throw e;
    return fail("SourceInvalid", `current ${SCHEMA_SOURCE_FILE} is not a valid accepted schema definition: ${e.message}`, e);
  }
  let accepted: Catalog;
  try {
    accepted = catalogFromIrJson(texts.irJson);
  } catch (e) {
    if (!(e instanceof SchemaIrError)) throw e;
    return fail("IrInvalid", `accepted compiled schema contract in ${SCHEMA_IR_FILE} is invalid: ${e.message}`, e);
  }
  const read = parseSchemaState(texts.stateJson);
  if (!read.ok) return fail("StateInvalid", `graph schema state in ${SCHEMA_STATE_FILE} is invalid: ${read.reason}`);
  const state = read.state;
  if (state.format_version !== SCHEMA_STATE_FORMAT_VERSION) {
    return fail("UnsupportedStateFormat", `graph schema state format ${state.format_version} is unsupported`);
  }
  const acceptedHash = schemaIrHash(accepted);
  if (acceptedHash !== state.schema_ir_hash) {
    return fail("IrHashMismatch", "accepted compiled schema does not match the recorded schema state");
  }
  if (schemaIrHash(sourceCatalog) !== acceptedHash) {
    return fail("SourceMismatch", `current ${SCHEMA_SOURCE_FILE} no longer matches the accepted compiled schema`);
  }
  return { ok: true, catalog: accepted, state };
}

export type SchemaStateRead =
  | { readonly ok: true; readonly state: SchemaState }
  | { readonly ok: false; readonly reason: string };

export function parseSchemaState(text: string): SchemaStateRead {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not valid JSON: ${(e as Error).message}` };
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return { ok: false, reason: "expected an object" };
  const o = v as Readonly<Record<string, unknown>>;
  const formatVersion = o["format_version"];
  const hash = o["schema_ir_hash"];
  const identityVersion = o["schema_identity_version"];
  if (!isCount(formatVersion)) return { ok: false, reason: "format_version: expected a non-negative integer" };
  if (typeof hash !== "string") return { ok: false, reason: "schema_ir_hash: expected a string" };
  if (!isCount(identityVersion)) return { ok: false, reason: "schema_identity_version: expected a non-negative integer" };
  return { ok: true, state: { format_version: formatVersion, schema_ir_hash: hash, schema_identity_version: identityVersion } };
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}
