// The one home of the `verifySchemaFiles` flag (engine/fixes.ts): found by omnisim's storage
// faults. Init and schema apply trust each acknowledged write of a schema file: init's claim,
// `_schema.pg` and the contract files, the apply's three staging files and each copy of its
// promotion (a rename on an object store is a copy, then a delete of the source). A lost, torn
// or misdirected one leaves three schema files that disagree, or a claim nobody can read, and
// every later open (or init) fails; a lost copy followed by the delete of its source loses the
// file for good. Upstream's exact SchemaApply intents (`promote_exact_schema_staging`, after the
// seed) validate the staging target before promoting and the live identity after, so they refuse
// loudly, but a copy lost before its source's delete is gone all the same. With the fix:
// - init reads its claim and each schema file back; one that is not there as written fails the
//   init in its schema phase (its cleanup deletes the files; the claim goes with it);
// - the apply reads each staging file back before its publish (put again once; otherwise it
//   deletes the staging files, best effort, and fails typed with nothing published);
// - each promotion copy is read back before its source is deleted (copied again once; otherwise
//   the promotion stops with the staging file kept, for recovery to promote again);
// - recovery promotes only a staging set that forms a valid contract with the live files it
//   leaves; an invalid set that still has `_schema.pg.staging` never passed the apply's check,
//   so the apply had not published: it is discarded and the apply rolls back.
// Read by `contract-files.ts`, `recovery/schema-state-files.ts`, `graph/init.ts` and
// `graph/fix502.ts`.
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import { SCHEMA_IR_FILE, SCHEMA_SOURCE_FILE, SCHEMA_STATE_FILE, type SchemaContractFile, stagingName, validateSchemaContract } from "../schema/contract.ts";
import { isStorageError } from "../storage/errors.ts";
import { readsBack, writeReadBack } from "../storage/read-back.ts";

export function verifySchemaFiles(env: Env): boolean {
  return env.fixes.verifySchemaFiles;
}

function notDurable(key: string, what: string): OmniError<"StorageFailure"> {
  return new OmniError("StorageFailure", { storageKind: "NotDurable", key }, `schema file ${key} did not read back as ${what}`);
}

/** Under the fix, fails typed unless `key` (just written once, as by an atomic create) reads back as `body`. */
export async function checkWritten(env: Env, key: string, body: string): Promise<void> {
  if (verifySchemaFiles(env) && !(await readsBack(env, key, body))) throw notDurable(key, "written");
}

/** Puts one schema or staging file; under the fix, reads it back (put again once) or fails typed. */
export async function putSchemaFile(env: Env, key: string, body: string): Promise<void> {
  if (!verifySchemaFiles(env)) return env.storage.objects.put(key, body);
  if (!(await writeReadBack(env, key, body, () => env.storage.objects.put(key, body)))) throw notDurable(key, "written");
}

/**
 * Copies a staging file over its final name before the caller deletes the source; under the
 * fix, the copy is read back (copied again once) or the promotion fails typed, source kept.
 */
export async function copyStagingFile(env: Env, from: string, to: string): Promise<void> {
  if (!verifySchemaFiles(env)) return env.storage.objects.copy(from, to);
  const body = await env.storage.objects.get(from);
  if (!(await writeReadBack(env, to, body, () => env.storage.objects.copy(from, to)))) throw notDurable(to, `a copy of ${from}`);
}

/**
 * Under the fix, whether the staging files present, each with the live file where its staging
 * copy is gone (a promotion part way), form a valid contract: the set recovery would promote.
 * A file missing where it is read makes the set invalid; any other storage failure is thrown.
 */
export async function stagingSetValid(env: Env, present: Readonly<Record<"source" | "ir" | "state", boolean>>): Promise<boolean> {
  const read = async (file: SchemaContractFile, staged: boolean): Promise<string | null> => {
    try {
      return await env.storage.objects.get(staged ? stagingName(file) : file);
    } catch (e) {
      if (isStorageError(e, "NotFound")) return null;
      throw e;
    }
  };
  const source = await read(SCHEMA_SOURCE_FILE, present.source);
  const irJson = await read(SCHEMA_IR_FILE, present.ir);
  const stateJson = await read(SCHEMA_STATE_FILE, present.state);
  return source !== null && irJson !== null && stateJson !== null && validateSchemaContract({ source, irJson, stateJson }).ok;
}
