// Reading and writing the three schema-contract files (`db/schema_state.rs`).
import type { Env } from "../env.ts";
import { isOmniError, OmniError } from "../errors.ts";
import type { Catalog } from "../schema/catalog.ts";
import { renameText } from "../storage/rename-text.ts";
import { copyStagingFile, putSchemaFile } from "./verify-schema-files.ts";
import {
  renderSchemaContract,
  SCHEMA_CONTRACT_FILES,
  SCHEMA_IR_FILE,
  SCHEMA_SOURCE_FILE,
  SCHEMA_STATE_FILE,
  type SchemaContractCheck,
  type SchemaContractTexts,
  stagingName,
  validateSchemaContract,
} from "../schema/contract.ts";

/**
 * `ensure_schema_state_valid`: two existence checks and three reads, and the three files must
 * agree. Every write runs it when it opens its transaction; edge endpoint checks run it again.
 */
export async function validateSchemaState(env: Env): Promise<Catalog> {
  const o = env.storage.objects;
  const [irExists, stateExists] = [await o.exists(SCHEMA_IR_FILE), await o.exists(SCHEMA_STATE_FILE)];
  if (!irExists || !stateExists) {
    throw contractError(`schema contract files are missing (${!irExists ? SCHEMA_IR_FILE : SCHEMA_STATE_FILE})`);
  }
  const texts: SchemaContractTexts = {
    source: await o.get(SCHEMA_SOURCE_FILE),
    irJson: await o.get(SCHEMA_IR_FILE),
    stateJson: await o.get(SCHEMA_STATE_FILE),
  };
  const check = validateCached(texts);
  if (!check.ok) throw contractError(check.error.message);
  return check.catalog;
}

/**
 * The `schema_ir_hash` of the contract a catalog was validated from (null for a catalog that no
 * validation returned). Keyed by the catalog object and recorded when the memo below computes
 * it, so the answer never depends on what the memo has kept or dropped.
 */
const acceptedHashes = new WeakMap<Catalog, string>();

export function acceptedIrHash(catalog: Catalog): string | null {
  return acceptedHashes.get(catalog) ?? null;
}

/**
 * `validateSchemaContract` is a pure function of the three texts, and every write runs it on the
 * same texts: remember the results, keyed by the texts one level each (a store hands back the
 * same string it holds, so a lookup costs no re-hash). Only a few contracts are ever alive at
 * once, so when the memo grows past a bound it is simply dropped. (Catalogs are immutable, so
 * sharing one is safe.)
 */
const recent = new Map<string, Map<string, Map<string, SchemaContractCheck>>>();
let remembered = 0;
const REMEMBER_AT_MOST = 64;

function validateCached(texts: SchemaContractTexts): SchemaContractCheck {
  let byIr = recent.get(texts.source);
  let byState = byIr?.get(texts.irJson);
  let check = byState?.get(texts.stateJson);
  if (check === undefined) {
    check = validateSchemaContract(texts);
    if (check.ok) acceptedHashes.set(check.catalog, check.state.schema_ir_hash);
    if (remembered >= REMEMBER_AT_MOST) {
      recent.clear();
      remembered = 0;
      byIr = undefined;
      byState = undefined;
    }
    if (byIr === undefined) recent.set(texts.source, (byIr = new Map()));
    if (byState === undefined) byIr.set(texts.irJson, (byState = new Map()));
    byState.set(texts.stateJson, check);
    remembered++;
  }
  return check;
}

function contractError(reason: string): OmniError<"SchemaContractInvalid"> {
  return new OmniError("SchemaContractInvalid", { reason }, reason);
}

/**
 * Writes the three files for `source` under their `.staging` names (schema apply, step 9). A
 * file that does not read back (`verifySchemaFiles`) fails the apply before its publish, and
 * the staging files go (best effort: recovery discards what is left).
 */
export async function writeSchemaContractStaging(env: Env, source: string): Promise<void> {
  const rendered = renderSchemaContract(source);
  try {
    await putSchemaFile(env, stagingName(SCHEMA_SOURCE_FILE), rendered.source);
    await putSchemaFile(env, stagingName(SCHEMA_IR_FILE), rendered.irJson);
    await putSchemaFile(env, stagingName(SCHEMA_STATE_FILE), rendered.stateJson);
  } catch (e) {
    if (isOmniError(e, "StorageFailure") && e.details.storageKind === "NotDurable") await deleteStaging(env, { sourceLast: true }).catch(() => undefined);
    throw e;
  }
}

/**
 * `complete_staging_rename`: every staging file still present is renamed over its final name
 * (the copy read back before the source's delete under `verifySchemaFiles`).
 */
export async function promoteStaging(env: Env): Promise<void> {
  for (const file of SCHEMA_CONTRACT_FILES) {
    const staged = stagingName(file);
    if (await env.storage.objects.exists(staged)) await renameText(env, staged, file, copyStagingFile);
  }
}

/**
 * `cleanup_staging_files`: source, IR, state. With `sourceLast`, `_schema.pg.staging` goes last,
 * so every prefix of the deletes still has it (the `completeStagingPromotion` discard).
 */
export async function deleteStaging(env: Env, options: { sourceLast?: boolean } = {}): Promise<void> {
  const files = options.sourceLast ? [...SCHEMA_CONTRACT_FILES.slice(1), SCHEMA_CONTRACT_FILES[0]!] : SCHEMA_CONTRACT_FILES;
  for (const file of files) await env.storage.objects.delete(stagingName(file));
}

/** Which staging files exist (three existence checks). */
export async function stagingPresent(env: Env): Promise<Record<"source" | "ir" | "state", boolean>> {
  return {
    source: await env.storage.objects.exists(stagingName(SCHEMA_SOURCE_FILE)),
    ir: await env.storage.objects.exists(stagingName(SCHEMA_IR_FILE)),
    state: await env.storage.objects.exists(stagingName(SCHEMA_STATE_FILE)),
  };
}
