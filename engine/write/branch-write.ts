// What a write on a named graph branch adds to the write path (`mutate_with_current_actor` and
// `load_as` at the seed): the requested branch is checked and normalized, and when the write will
// fork any table onto the branch, every table it touches has its (table, branch) write queue
// taken up front and held through the publish.
import { ensurePublicBranchRef, normalizeBranchName } from "../branch/names.ts";
import { ownedBy } from "../branch/fork-names.ts";
import { snapshotForBranch } from "../handle/branch-snapshot.ts";
import type { HeldQueues } from "../handle/commit-section.ts";
import type { Handle } from "../handle/handle.ts";
import { type Catalog, tableKeyFor } from "../schema/catalog.ts";
import type { Branch, TableKey } from "../storage/types.ts";
import type { MutationOp } from "./ops.ts";

/** The branch a write goes to: the named one (checked), or the handle's bound branch. */
export function requestedBranch(h: Handle, name: string | undefined, operation: string): Branch {
  if (name === undefined) return h.coordinator.branch;
  ensurePublicBranchRef(name, operation);
  return normalizeBranchName(name);
}

/**
 * `touched_table_keys`: every table the operations can touch, a node delete's cascade to each
 * edge type at either end included. Sorted, deduplicated; unknown types skipped.
 */
export function touchedByOps(catalog: Catalog, ops: readonly MutationOp[]): TableKey[] {
  const keys = new Set<TableKey>();
  for (const op of ops) {
    if (op.kind === "insertEdge" || op.kind === "deleteEdge") {
      if (catalog.edges.has(op.type)) keys.add(tableKeyFor("edge", op.type));
      continue;
    }
    if (!catalog.nodes.has(op.type)) continue;
    keys.add(tableKeyFor("node", op.type));
    if (op.kind !== "deleteNode") continue;
    for (const edge of catalog.edges.values()) if (edge.from === op.type || edge.to === op.type) keys.add(tableKeyFor("edge", edge.name));
  }
  return [...keys].sort();
}

/** The fork path's up-front queues: taken only on a branch, and only when some touched table must fork. */
export async function takeForkQueues(h: Handle, branch: Branch, touched: readonly TableKey[]): Promise<HeldQueues | null> {
  if (branch === null || touched.length === 0) return null;
  const snapshot = await snapshotForBranch(h, branch);
  const needsFork = touched.some((t) => {
    const entry = snapshot.entry(t);
    return entry !== undefined && !ownedBy(entry.branch, branch);
  });
  if (!needsFork) return null;
  const keys = touched.map((key) => ({ key, branch }));
  return { keys, release: await h.queues.acquireMany(h.env, keys) };
}
