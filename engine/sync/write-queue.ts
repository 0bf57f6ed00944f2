// `WriteQueueManager`: one lock per (table_key, table_branch); `acquireMany` takes them in
// sorted order so writers never deadlock on lock order. At the seed every handle owns its own
// manager, so two handles do not serialize (that is how upstream tests model two processes);
// with `sharedQueues` (RFC-022) every handle of one root in one process shares a manager.
import type { Env } from "../env.ts";
import type { Branch } from "../storage/types.ts";
import { Mutex, type Release } from "./mutex.ts";
import { sharedQueues } from "./shared-queues.ts";

/** A queue key: a table key (or the schema-apply serial key) and its branch. */
export interface QueueKey {
  readonly key: string;
  readonly branch: Branch;
}

/** The key schema apply holds around its whole sidecar lifecycle (`schema_apply_serial_queue_key`). */
export const SCHEMA_APPLY_SERIAL_KEY: QueueKey = { key: "__schema_apply__", branch: null };

/** RFC-022's branch gate: one key every writer of a branch holds from revalidation to publish. */
export function branchGateKey(branch: Branch): QueueKey {
  return { key: "__branch_gate__", branch };
}

/** A key's identity: what the lock table and held-key checks compare. */
export function queueIdOf(k: QueueKey): string {
  return `${k.key}@${k.branch ?? "main"}`;
}

export class WriteQueueManager {
  private readonly locks = new Map<string, Mutex>();

  constructor(private readonly label: string) {}

  /** The manager of a new handle: its own, or the process's shared one for this root. */
  static forHandle(env: Env, handleId: string): WriteQueueManager {
    if (sharedQueues(env)) {
      return env.world.processLocal(`write-queue:${env.root}`, () => new WriteQueueManager(`root ${env.root}`));
    }
    return new WriteQueueManager(`handle ${handleId}`);
  }

  /** Acquires every key (deduplicated, sorted); the release frees them all. */
  async acquireMany(env: Env, keys: readonly QueueKey[]): Promise<Release> {
    const ids = [...new Set(keys.map(queueIdOf))].sort();
    const releases: Release[] = [];
    for (const id of ids) {
      let lock = this.locks.get(id);
      if (!lock) {
        lock = new Mutex(`queue ${id} (${this.label})`);
        this.locks.set(id, lock);
      }
      releases.push(await lock.acquire(env));
    }
    return () => {
      for (const r of releases.reverse()) r();
    };
  }
}
