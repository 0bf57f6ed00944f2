// The `fix502` flag's one home (#502, `426c7b96`, for #495): who may delete init's schema
// files, and when. At the seed any failure after the `_schema.pg` claim deletes all three,
// even one after the manifest committed (a completed graph loses its schema), and even while
// another init, which claimed `_schema.pg` the moment the first deleted it, is writing its
// own (the first's later deletes take the second's files). #502:
// - takes a root claim (`__init_claim.json`, create-if-absent) before writing anything, and
//   re-checks the root under it; an init that finds the claim taken fails;
// - cleans up only before the graph's physical init began; once the datasets are being
//   created a failure's outcome is unknown and the claim stays (no cleanup); past the
//   manifest's Create the graph exists and only the claim is released;
// - releases the claim last, after any cleanup, so no other init enters while files go.
import type { Env } from "../env.ts";
import { checkWritten } from "../schema-state/verify-schema-files.ts";
import { OmniError } from "../errors.ts";
import { initClaimLease } from "./init-takeover.ts";

export const INIT_CLAIM_FILE = "__init_claim.json";

/** How far init got: schema files only; datasets being created; the manifest committed. */
export type InitPhase = "schema" | "physical" | "committed";

export interface InitOwnership {
  /** Before any schema write. */
  begin(): Promise<void>;
  /** `_schema.pg` was already there: this init writes nothing. */
  refused(): Promise<void>;
  /** Init failed in `phase`. */
  failed(phase: InitPhase): Promise<void>;
  succeeded(): Promise<void>;
}

export function initOwnership(env: Env, checkRoot: () => Promise<void>, deleteSchemaFiles: () => Promise<void>): InitOwnership {
  if (!env.fixes.fix502) {
    const nothing = async () => {};
    return { begin: nothing, refused: nothing, failed: deleteSchemaFiles, succeeded: nothing };
  }
  const release = () => env.storage.objects.delete(INIT_CLAIM_FILE);
  return {
    async begin() {
      if (await env.storage.manifest.exists()) throw alreadyInitialized(env);
      const claim = JSON.stringify({ version: 1, attempt_id: env.ids.ulid(), ...initClaimLease(env) });
      if (!(await env.storage.objects.putIfAbsent(INIT_CLAIM_FILE, claim))) {
        throw new OmniError("InitializationClaimed", { root: env.root }, `another initialization holds the init claim at '${env.root}'`);
      }
      try {
        await checkWritten(env, INIT_CLAIM_FILE, claim);
        await checkRoot();
      } catch (e) {
        await release();
        throw e;
      }
    },
    refused: release,
    async failed(phase) {
      if (phase === "physical") return; // outcome unknown: the claim stays, nothing is deleted
      if (phase === "schema") await deleteSchemaFiles();
      await release();
    },
    succeeded: release,
  };
}

export function alreadyInitialized(env: Env): OmniError<"AlreadyInitialized"> {
  return new OmniError("AlreadyInitialized", { root: env.root }, `graph already initialized at '${env.root}'; pass --force to overwrite`);
}
