// No table fork and no commit-graph branch outlives every graph branch that could read it: after
// the final recovery and a run of the reconciler (`cleanup`'s first half), every Lance branch of
// a table is pinned by a live graph branch's newest manifest, or is the parent of another fork
// still there (a descendant's ancestry), and every branch of `_graph_commits` is a live graph
// branch's lineage. Read from the raw store: the harness's own reading, not the engine's.
import { forkOwner } from "../../engine/branch/fork-names.ts";
import { isInternalSystemBranch } from "../../engine/branch/names.ts";
import { GRAPH_COMMITS } from "../../engine/manifest/layout.ts";
import { Snapshot } from "../../engine/manifest/snapshot.ts";
import type { DatasetPath, Storage } from "../../engine/storage/types.ts";
import type { Violation } from "../violations.ts";
import type { JudgeContext } from "./context.ts";

/** The liveness step's run of the reconciler, which this oracle judges the result of. */
export const RECONCILE_LABEL = "reconcile orphaned branches after recovery";

/** The oracle: judged only once the liveness step's reconciler has run to its end. */
export function noOrphanedForks(ctx: Pick<JudgeContext, "history" | "raw">): Promise<Violation[]> | Violation[] {
  return ctx.history.ops.some((op) => op.label === RECONCILE_LABEL && op.status === "ok") ? orphanedForks(ctx.raw) : [];
}

export async function orphanedForks(raw: Storage): Promise<Violation[]> {
  if (!(await raw.manifest.exists())) return [];
  const live = (await raw.manifest.listBranches()).filter((b) => !isInternalSystemBranch(b));
  const newest = [Snapshot.fromManifest(await raw.manifest.load(null))];
  for (const b of live) newest.push(Snapshot.fromManifest(await raw.manifest.load(b)));
  const pinned = new Set(newest.flatMap((s) => s.tables().map((e) => `${e.path}@${e.branch ?? ""}`)));
  const out: Violation[] = [];
  for (const entry of newest[0]!.tables()) {
    const refs = await raw.datasets.listBranches(entry.path);
    const parents = new Set<string>();
    for (const ref of refs) {
      const parent = (await raw.datasets.branchContents(entry.path, ref)).parent;
      if (parent !== null) parents.add(parent);
    }
    for (const ref of refs) {
      if (isInternalSystemBranch(forkOwner(ref) ?? "") || pinned.has(`${entry.path}@${ref}`) || parents.has(ref)) continue;
      out.push(orphan(entry.tableKey, entry.path, ref, `no live branch's manifest pins ${entry.tableKey} on it`));
    }
  }
  const lineage = await raw.datasets.listBranches(GRAPH_COMMITS);
  for (const ref of lineage) {
    if (isInternalSystemBranch(ref) || live.includes(ref)) continue;
    out.push(orphan(null, GRAPH_COMMITS, ref, "no live graph branch of that name"));
  }
  return out;
}

function orphan(tableKey: string | null, path: DatasetPath, ref: string, why: string): Violation {
  return {
    kind: "orphaned-fork",
    message: `after recovery and the reconciler, ${path} still has branch '${ref}': ${why}`,
    ...(tableKey ? { table: tableKey as Violation["table"] } : {}),
    details: { path, ref },
  };
}
