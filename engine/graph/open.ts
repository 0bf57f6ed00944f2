// Creating a graph (`Omnigraph::init`) and opening one (`Omnigraph::open`). A read-write open
// runs the schema-staging recovery and the recovery sweep first, taking no queues.
import { ensureSchemaState } from "./schema-guard.ts";
import { FP } from "../../failpoints/catalog.ts";
import type { Env } from "../env.ts";
import { maybeFail } from "../failpoint.ts";
import { appendGraphCommit } from "../manifest/commit-graph.ts";
import { Coordinator } from "../manifest/coordinator.ts";
import type { ManifestChange } from "../manifest/changes.ts";
import { GRAPH_COMMIT_RECOVERIES, GRAPH_COMMITS } from "../manifest/layout.ts";
import { publish } from "../manifest/publisher.ts";
import { recoverManifestDrift } from "../recovery/sweep.ts";
import { catalogTableKeys, tablePathForTableKey } from "../schema/catalog.ts";
import { renderSchemaContract, SCHEMA_IR_FILE, SCHEMA_SOURCE_FILE, SCHEMA_STATE_FILE } from "../schema/contract.ts";
import { recoverSchemaStateFiles } from "../schema-state/recover.ts";
import { WriteQueueManager } from "../sync/write-queue.ts";
import { leaseGuardsCommits } from "../lease/policy.ts";
import { bumpingPublishOptions } from "../write/commit-section.ts";
import { recoverIfLeaseFree } from "./lease-recovery.ts";
import type { Version } from "../storage/types.ts";
import type { Handle, OpenMode } from "./handle.ts";

export interface OpenOptions {
  readonly mode?: OpenMode;
  /** A name for traces and lock labels (default `graph`). */
  readonly name?: string;
  /** The server's long-lived handle. */
  readonly served?: boolean;
}

/** Writes the schema contract, creates the manifest and one empty dataset per table, publishes them. */
export async function initGraph(env: Env, source: string, options: OpenOptions = {}): Promise<Handle> {
  const rendered = renderSchemaContract(source);
  await env.storage.objects.put(SCHEMA_SOURCE_FILE, rendered.source);
  await maybeFail(env, FP.INIT_AFTER_SCHEMA_PG_WRITTEN);
  await env.storage.objects.put(SCHEMA_IR_FILE, rendered.irJson);
  await env.storage.objects.put(SCHEMA_STATE_FILE, rendered.stateJson);
  await maybeFail(env, FP.INIT_AFTER_SCHEMA_CONTRACT_WRITTEN);
  await env.storage.manifest.create();
  const changes: ManifestChange[] = [];
  for (const tableKey of catalogTableKeys(rendered.catalog)) {
    const path = tablePathForTableKey(tableKey);
    const version = await env.storage.datasets.create(path);
    changes.push({ kind: "register", tableKey, path }, { kind: "update", tableKey, version, branch: null, rowCount: 0 });
  }
  const manifestVersion: Version = await publish(env, null, changes, null);
  await env.storage.datasets.create(GRAPH_COMMITS);
  await env.storage.datasets.create(GRAPH_COMMIT_RECOVERIES);
  await appendGraphCommit(env, null, manifestVersion, null);
  await maybeFail(env, FP.INIT_AFTER_COORDINATOR_INIT);
  return handleFor(env, { ...options, mode: "ReadWrite" }, await Coordinator.open(env, null, options.name ?? "graph"), rendered.source);
}

export async function openGraph(env: Env, options: OpenOptions = {}): Promise<Handle> {
  const mode = options.mode ?? "ReadWrite";
  const name = options.name ?? "graph";
  const coordinator = await Coordinator.open(env, null, name);
  if (mode === "ReadWrite") {
    if (leaseGuardsCommits(env)) {
      await recoverIfLeaseFree(env, coordinator, name);
    } else {
      const schemaRecovery = await recoverSchemaStateFiles(env, coordinator.snapshot);
      // With root-shared queues the sweep waits for in-process writers (RFC-022).
      const queues = env.fixes.sharedQueues ? WriteQueueManager.forHandle(env, name) : undefined;
      await recoverManifestDrift(env, coordinator, schemaRecovery, bumpingPublishOptions(env, null), queues);
    }
  }
  const source = await env.storage.objects.get(SCHEMA_SOURCE_FILE);
  return handleFor(env, { ...options, mode }, coordinator, source);
}

async function handleFor(env: Env, options: OpenOptions, coordinator: Coordinator, source: string): Promise<Handle> {
  const name = options.name ?? "graph";
  return {
    env,
    id: name,
    mode: options.mode ?? "ReadWrite",
    coordinator,
    queues: WriteQueueManager.forHandle(env, name),
    catalog: await ensureSchemaState(env, coordinator, name),
    schemaSource: source,
    served: options.served ?? false,
  };
}
