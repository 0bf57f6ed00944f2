// The `fix502` flag's one home (#502, `426c7b96`, for #495): who may delete init's schema
// files, and when. At the seed any failure after the `_schema.pg` claim deletes all three,
// even one after the manifest committed (a completed graph loses its schema), and even while
// another init, which claimed `_schema.pg` the moment the first deleted it, is writing its
// own (the first's later deletes take the second's files). #502:
// - takes a root claim (`__init_claim.json`, create-if-absent) before writing anything, and
//   re-checks the root under it; an init that finds the claim taken fails;
// - cleans up only before the graph's physical init began; once the datasets are being
//   created a failure's outcome is unknown: the claim and the schema files stay and init fails
//   `InitializationIndeterminate` (upstream's `PhysicalInitOutcomeUnknown` arm when its
//   exact-genesis probe finds no manifest; the model has no probe, docs/fidelity.md D9); past
//   the manifest's Create the graph exists and only the claim is released;
// - releases the claim last, after any cleanup, so no other init enters while files go.
import { FP } from "../../failpoints/catalog.ts";
import type { Env } from "../env.ts";
import { maybeFail } from "../failpoint.ts";
import { checkWritten } from "../schema-state/verify-schema-files.ts";
import { OmniError } from "../errors.ts";
import { isStorageError } from "../storage/errors.ts";
import { initClaimLease } from "./init-takeover.ts";
import { releaseInitClaim } from "./own-init-claim-release.ts";

export const INIT_CLAIM_FILE = "__init_claim.json";

/** How far init got: schema files only; datasets being created; the manifest committed. */
export type InitPhase = "schema" | "physical" | "committed";

export interface InitOwnership {
  /** Before any schema write. */
  begin(): Promise<void>;
  /** `_schema.pg` was already there: this init writes nothing. */
  refused(): Promise<void>;
  /** Init failed in `phase` with `error`: what init throws. */
  failed(phase: InitPhase, error: unknown): Promise<unknown>;
  succeeded(): Promise<void>;
}

export function initOwnership(env: Env, checkRoot: () => Promise<void>, deleteSchemaFiles: () => Promise<boolean>): InitOwnership {
  if (!env.fixes.fix502) {
    const nothing = async () => {};
    const failed = async (_phase: InitPhase, error: unknown) => {
      await deleteSchemaFiles();
      return error;
    };
    return { begin: nothing, refused: nothing, failed, succeeded: nothing };
  }
  // Each arm after `begin` releases the claim this attempt took; whether a release checks whose
  // claim it deletes is `ownInitClaimRelease`'s (upstream deletes blind). The id is drawn where
  // the claim is made, after the manifest check, as it always was (ids are a seeded sequence).
  let attemptId = "";
  let claim = "";
  const release = () => releaseInitClaim(env, INIT_CLAIM_FILE, attemptId, claim);
  return {
    async begin() {
      if (await env.storage.manifest.exists()) throw alreadyInitialized(env);
      attemptId = env.ids.ulid();
      claim = JSON.stringify({ version: 1, attempt_id: attemptId, ...initClaimLease(env) });
      if (!(await env.storage.objects.putIfAbsent(INIT_CLAIM_FILE, claim))) {
        throw new OmniError("InitializationClaimed", { root: env.root }, `another initialization holds the init claim at '${env.root}'`);
      }
      try {
        await checkWritten(env, INIT_CLAIM_FILE, claim);
        await checkRoot();
      } catch (e) {
        // The read-back may have found another init's claim (this one's create-if-absent
        // misdirected): with `ownInitClaimRelease` the release leaves it.
        await release();
        throw e;
      }
    },
    refused: release,
    async failed(phase, error) {
      if (phase === "physical") return indeterminate(env, error); // outcome unknown: the claim stays, nothing is deleted
      // A schema file that may remain keeps the claim (`initTakeover`'s cleanup confirms its
      // deletes): its lease runs out and a takeover clears the orphan with it.
      if (phase === "schema" && !(await deleteSchemaFiles())) return error;
      await release();
      return error;
    },
    succeeded: release,
  };
}

/** Upstream's `InitializationIndeterminate`: the error init met, wrapped; the claim kept for an operator. */
function indeterminate(env: Env, error: unknown): unknown {
  // Only the engine's and storage's errors are init's to classify; anything else (a harness
  // error) goes through untouched.
  if (!(error instanceof OmniError) && !isStorageError(error)) return error;
  const source = error instanceof OmniError ? error.kind : error.name;
  const message = error.message;
  return new OmniError(
    "InitializationIndeterminate",
    { root: env.root, source },
    `initialization of '${env.root}' failed after its physical phase began, its outcome unknown (${message}); the init claim is kept for an operator`,
    { cause: error },
  );
}

/**
 * After each table's dataset Create: #502's `init.table_create_ack_lost` (426c7b96, upstream's
 * `create_empty_dataset`), a table that may be durable though init saw an error. The seed has
 * no failpoint there, so its schedules stay as they were.
 */
export async function afterTableCreate(env: Env): Promise<void> {
  if (env.fixes.fix502) await maybeFail(env, FP.INIT_TABLE_CREATE_ACK_LOST);
}

export function alreadyInitialized(env: Env): OmniError<"AlreadyInitialized"> {
  return new OmniError("AlreadyInitialized", { root: env.root }, `graph already initialized at '${env.root}'; pass --force to overwrite`);
}
