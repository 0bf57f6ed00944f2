// `compact_internal_table` (optimize.rs): optimize also compacts the graph's internal tables,
// `__manifest`, `_graph_commits` and `_graph_commit_actors`, in place: they are read at their
// HEAD, so there is nothing to publish and no sidecar (every commit is content-preserving, a
// crash leaves them readable). `compact_files` does not retry a conflict with a live write, so
// optimize does: reopen at HEAD and re-plan, up to the retry budget, then fail. (The seed also
// strips a stale `lance.auto_cleanup.*` config first; no table the model creates carries one:
// docs/fidelity.md.)
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import type { Handle } from "../handle/handle.ts";
import { GRAPH_COMMIT_ACTORS, GRAPH_COMMITS } from "../manifest/layout.ts";
import { isRetryableLanceConflict } from "../storage/errors.ts";
import type { DatasetPath, Version } from "../storage/types.ts";

export const INTERNAL_COMPACTION_RETRY_BUDGET = 5;

export interface InternalCompaction {
  readonly table: "__manifest" | "_graph_commits" | "_graph_commit_actors";
  readonly committed: boolean;
}

/** `__manifest` always; the commit-graph tables when they exist. */
export async function compactInternalTables(h: Handle): Promise<InternalCompaction[]> {
  const env = h.env;
  const out: InternalCompaction[] = [await retried("__manifest", () => compactManifest(env))];
  for (const [table, path] of [["_graph_commits", GRAPH_COMMITS], ["_graph_commit_actors", GRAPH_COMMIT_ACTORS]] as const) {
    if (await env.storage.datasets.exists(path)) out.push(await retried(table, () => compactDataset(env, path)));
  }
  // Re-open the warm handles at the compacted HEAD (cache coherence).
  if (out.some((c) => c.committed)) await h.coordinator.refresh();
  return out;
}

/** One attempt: open `__manifest` at HEAD (the plan's version), then compact. */
async function compactManifest(env: Env): Promise<boolean> {
  const state = await env.storage.manifest.load(null);
  return (await env.storage.manifest.compact(null, state.version)) !== null;
}

/** One attempt on a commit-graph table: plan at HEAD (two or more fragments), then compact. */
async function compactDataset(env: Env, path: DatasetPath): Promise<boolean> {
  const head: Version = await env.storage.datasets.latestVersion(path, null);
  if ((await env.storage.datasets.checkout(path, null, head)).fragments < 2) return false;
  await env.storage.datasets.commit(path, null, head, { op: "Rewrite" });
  return true;
}

async function retried(table: InternalCompaction["table"], attempt: () => Promise<boolean>): Promise<InternalCompaction> {
  for (let i = 0; i < INTERNAL_COMPACTION_RETRY_BUDGET; i++) {
    try {
      return { table, committed: await attempt() };
    } catch (e) {
      if (!isRetryableLanceConflict(e)) throw e;
    }
  }
  throw new OmniError(
    "InternalCompactionExhausted",
    { table, attempts: INTERNAL_COMPACTION_RETRY_BUDGET },
    `internal-table compaction of ${table} exhausted ${INTERNAL_COMPACTION_RETRY_BUDGET} retries against concurrent writers`,
  );
}
