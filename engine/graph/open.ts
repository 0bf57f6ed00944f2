// Opening a graph (`Omnigraph::open`). A read-write open runs the schema-staging recovery and
// the recovery sweep first, taking no queues.
import { ensureSchemaState } from "../handle/schema-guard.ts";
import type { Env } from "../env.ts";
import { Coordinator } from "../manifest/coordinator.ts";
import { recoverManifestDrift } from "../recovery/sweep.ts";
import type { Catalog } from "../schema/catalog.ts";
import { SCHEMA_SOURCE_FILE } from "../schema/contract.ts";
import { recoverSchemaStateFiles } from "../recovery/schema-state-files.ts";
import { WriteQueueManager } from "../sync/write-queue.ts";
import { leaseGuardsCommits } from "../lease/owner-lease.ts";
import { bumpingPublishOptions } from "../handle/commit-section.ts";
import { recoverIfLeaseFree } from "../handle/lease-recovery.ts";
import type { Handle, OpenMode } from "../handle/handle.ts";
import { sharedQueues } from "../sync/shared-queues.ts";
import { Mutex } from "../sync/mutex.ts";

export interface OpenOptions {
  readonly mode?: OpenMode;
  /** A name for traces and lock labels (default `graph`). */
  readonly name?: string;
  /** The server's long-lived handle. */
  readonly served?: boolean;
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
      const queues = sharedQueues(env) ? WriteQueueManager.forHandle(env, name) : undefined;
      await recoverManifestDrift(env, coordinator, schemaRecovery, bumpingPublishOptions(env, null), queues);
    }
  }
  const source = await env.storage.objects.get(SCHEMA_SOURCE_FILE);
  return handleFor(env, { ...options, mode }, coordinator, source, await ensureSchemaState(env, coordinator, name));
}

export function handleFor(env: Env, options: OpenOptions, coordinator: Coordinator, source: string, catalog: Catalog): Handle {
  const name = options.name ?? "graph";
  return {
    env,
    id: name,
    mode: options.mode ?? "ReadWrite",
    coordinator,
    queues: WriteQueueManager.forHandle(env, name),
    catalog,
    schemaSource: source,
    served: options.served ?? false,
    mergeExclusive: new Mutex(`merge ${name}`),
  };
}
