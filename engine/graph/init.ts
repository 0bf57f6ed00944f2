// `Omnigraph::init` at the seed (`init_with_storage`, `init_storage_phase`): refuse a root that
// already holds any schema file before touching anything; claim `_schema.pg` with an atomic
// create (only the claimant may clean up); write the IR and state files; create the datasets
// and the manifest (`GraphCoordinator::init`). A failure after the claim deletes the three
// schema files (`best_effort_cleanup_init_artifacts`); at the seed that includes a failure
// after the manifest committed (#495). Who cleans up, and when, is `fix502`'s.
import { FP } from "../../failpoints/catalog.ts";
import type { Env } from "../env.ts";
import { maybeFail } from "../failpoint.ts";
import { Coordinator } from "../manifest/coordinator.ts";
import { initGraphCoordinator } from "../manifest/graph-init.ts";
import { renderSchemaContract, SCHEMA_CONTRACT_FILES, SCHEMA_IR_FILE, SCHEMA_SOURCE_FILE, SCHEMA_STATE_FILE } from "../schema/contract.ts";
import { isStorageError } from "../storage/errors.ts";
import { afterTableCreate, alreadyInitialized, INIT_CLAIM_FILE, initOwnership, type InitPhase } from "./fix502.ts";
import { cleanupInitArtifactsConfirmed, takeOverDeadInit } from "./init-takeover.ts";
import { isOmniError } from "../errors.ts";
import type { Handle } from "../handle/handle.ts";
import { handleFor, type OpenOptions } from "./open.ts";
import { checkWritten, putSchemaFile } from "../schema-state/verify-schema-files.ts";

export async function initGraph(env: Env, source: string, options: OpenOptions = {}): Promise<Handle> {
  try {
    return await initOnce(env, source, options);
  } catch (e) {
    // `initTakeover`: a refusal caused by a dead attempt's claim and files is taken over once.
    if (!isOmniError(e, "AlreadyInitialized") && !isOmniError(e, "InitializationClaimed")) throw e;
    if (!(await takeOverDeadInit(env, INIT_CLAIM_FILE, () => renderSchemaContract(source).catalog))) throw e;
    return initOnce(env, source, options);
  }
}

async function initOnce(env: Env, source: string, options: OpenOptions): Promise<Handle> {
  // The preflight: nothing below may overwrite, or on cleanup delete, an existing graph's files.
  const preflight = async () => {
    for (const file of SCHEMA_CONTRACT_FILES) if (await env.storage.objects.exists(file)) throw alreadyInitialized(env);
  };
  await preflight();
  const rendered = renderSchemaContract(source);
  const ownership = initOwnership(env, preflight, () => cleanupInitArtifacts(env));
  await ownership.begin();
  // Two inits can both pass the preflight; only the one that creates `_schema.pg` goes on.
  if (!(await env.storage.objects.putIfAbsent(SCHEMA_SOURCE_FILE, rendered.source))) {
    await ownership.refused();
    throw alreadyInitialized(env);
  }
  let phase: InitPhase = "schema";
  try {
    await checkWritten(env, SCHEMA_SOURCE_FILE, rendered.source);
    await maybeFail(env, FP.INIT_AFTER_SCHEMA_PG_WRITTEN);
    await putSchemaFile(env, SCHEMA_IR_FILE, rendered.irJson);
    await putSchemaFile(env, SCHEMA_STATE_FILE, rendered.stateJson);
    await maybeFail(env, FP.INIT_AFTER_SCHEMA_CONTRACT_WRITTEN);
    phase = "physical";
    await initGraphCoordinator(env, rendered.catalog, {
      afterTableCreate: () => afterTableCreate(env),
      onCommitted: () => {
        phase = "committed";
      },
    });
    await maybeFail(env, FP.INIT_AFTER_COORDINATOR_INIT);
  } catch (e) {
    throw await ownership.failed(phase, e);
  }
  await ownership.succeeded();
  const coordinator = await Coordinator.open(env, null, options.name ?? "graph");
  return handleFor(env, { ...options, mode: "ReadWrite" }, coordinator, rendered.source, rendered.catalog);
}

/** `best_effort_cleanup_init_artifacts`: delete the three schema files; a failed delete is ignored. */
async function cleanupInitArtifacts(env: Env): Promise<boolean> {
  // Under `initTakeover` each delete is confirmed (init-takeover.ts, the flag's home).
  const confirmed = await cleanupInitArtifactsConfirmed(env);
  if (confirmed !== null) return confirmed;
  for (const file of SCHEMA_CONTRACT_FILES) {
    try {
      await env.storage.objects.delete(file);
    } catch (e) {
      // Upstream logs and goes on: the original error is what init returns.
      if (!isStorageError(e)) throw e;
    }
  }
  return true;
}
