// `recover_schema_state_files`: what to do with schema staging files left by an interrupted
// schema apply. With any SchemaApply sidecar on disk they are promoted (the sweep will roll the
// apply forward), except that under `completeStagingPromotion` a partial set is discarded; otherwise the manifest's table set tells a crash before the apply's publish
// (keep the live schema) from one after it (promote). Under `verifySchemaFiles` a staging set
// that is not a valid contract is never promoted.
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import { listSidecars } from "./sidecar.ts";
import { catalogTableKeys } from "../schema/catalog.ts";
import { compileSchema } from "../schema/catalog-builder.ts";
import { parseSchemaState, SCHEMA_IR_FILE, SCHEMA_SOURCE_FILE, SCHEMA_STATE_FILE, stagingName } from "../schema/contract.ts";
import { SchemaParseError } from "../schema/errors.ts";
import { schemaIrHash } from "../schema/ir.ts";
import { deleteStaging, promoteStaging, stagingPresent } from "../schema-state/contract-files.ts";
import { completeStagingPromotion } from "./complete-staging-promotion.ts";
import { stagingSetValid, verifySchemaFiles } from "../schema-state/verify-schema-files.ts";

export type SchemaStateRecovery =
  | { readonly kind: "Noop" }
  | { readonly kind: "CleanedStaging" }
  | { readonly kind: "CompletedStagingRename" };

/** A SchemaApply roll-forward is allowed only when this pass promoted its staging files. */
export function promotedForSchemaApply(r: SchemaStateRecovery): boolean {
  return r.kind === "CompletedStagingRename";
}

function lockConflict(detail: string): OmniError<"SchemaContractInvalid"> {
  const reason = `schema evolution is locked down in phase 1: ${detail}; manual coordination is required`;
  return new OmniError("SchemaContractInvalid", { reason }, reason);
}

function hashOf(source: string, which: string): { hash: string; keys: string } {
  try {
    const catalog = compileSchema(source);
    return { hash: schemaIrHash(catalog), keys: catalogTableKeys(catalog).join(",") };
  } catch (e) {
    if (e instanceof SchemaParseError) throw lockConflict(`${which} does not compile: ${e.message}`);
    throw e;
  }
}

export async function recoverSchemaStateFiles(env: Env, snapshot: Snapshot): Promise<SchemaStateRecovery> {
  const present = await stagingPresent(env);
  if (!present.source && !present.ir && !present.state) return { kind: "Noop" };
  if (verifySchemaFiles(env) && !(await stagingSetValid(env, present))) {
    // The apply reads its staging set back before its publish: a set that is not whole never
    // passed, so with `_schema.pg.staging` still there (promotion renames it first) the apply
    // had not published. Discarded as a partial set is (`_schema.pg.staging` last).
    if (present.source) {
      await deleteStaging(env, { sourceLast: true });
      return { kind: "CleanedStaging" };
    }
    // Named, so an operator (and a reader of the error) knows which files to look at.
    const names = [...(present.ir ? [stagingName(SCHEMA_IR_FILE)] : []), ...(present.state ? [stagingName(SCHEMA_STATE_FILE)] : [])];
    throw lockConflict(`schema staging files (${names.join(", ")}) do not form a valid contract with the live files they would leave (manifest v${snapshot.version})`);
  }
  const sidecars = await listSidecars(env);
  if (sidecars.some((s) => s.writer_kind === "SchemaApply")) {
    // `_schema.pg.staging` is written first and renamed first: with it present, a missing IR or
    // state file means the apply died writing its staging set, before its publish.
    if (completeStagingPromotion(env) && present.source && !(present.ir && present.state)) {
      // `_schema.pg.staging` last: a discard cut part way still reads as a partial set.
      await deleteStaging(env, { sourceLast: true });
      return { kind: "CleanedStaging" };
    }
    await promoteStaging(env);
    return { kind: "CompletedStagingRename" };
  }
  const live = hashOf(await env.storage.objects.get(SCHEMA_SOURCE_FILE), SCHEMA_SOURCE_FILE);
  if (!present.source) {
    // A crash in the middle of the renames: `_schema.pg` is already the new schema.
    if (present.state) {
      const staged = parseSchemaState(await env.storage.objects.get(stagingName(SCHEMA_STATE_FILE)));
      if (!staged.ok || staged.state.schema_ir_hash !== live.hash) {
        throw lockConflict(
          `found schema staging files (ir/state) without ${stagingName(SCHEMA_SOURCE_FILE)}, and the live ${SCHEMA_SOURCE_FILE} does not match the staging schema state hash (manifest v${snapshot.version})`,
        );
      }
    }
    await promoteStaging(env);
    return { kind: "CompletedStagingRename" };
  }
  const staging = hashOf(await env.storage.objects.get(stagingName(SCHEMA_SOURCE_FILE)), stagingName(SCHEMA_SOURCE_FILE));
  if (staging.hash === live.hash) {
    await deleteStaging(env);
    return { kind: "CleanedStaging" };
  }
  const actual = snapshot
    .tables()
    .map((e) => e.tableKey)
    .sort()
    .join(",");
  const sorted = (keys: string) => keys.split(",").filter(Boolean).sort().join(",");
  if (sorted(live.keys) === sorted(staging.keys)) {
    throw lockConflict(
      `found schema staging files but cannot disambiguate pre- vs post-commit crash: live and staging schemas imply identical table sets (manifest v${snapshot.version})`,
    );
  }
  if (actual === sorted(live.keys)) {
    await deleteStaging(env);
    return { kind: "CleanedStaging" };
  }
  if (actual === sorted(staging.keys)) {
    await promoteStaging(env);
    return { kind: "CompletedStagingRename" };
  }
  throw lockConflict(`schema staging files match neither the live nor the manifest table set (manifest v${snapshot.version})`);
}
