// Helpers for the ported branch and merge tests: reading a branch's commit graph, a branch's
// table rows, and the merge conflicts a failed merge reported.
import { expect } from "vitest";
import type { MergeConflict } from "../../engine/errors.ts";
import { isOmniError } from "../../engine/errors.ts";
import type { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { type CommitGraphView, readCommitGraph } from "../../engine/manifest/commit-graph.ts";
import type { Row, TableKey } from "../../engine/storage/types.ts";
import type { World } from "../../sim/world.ts";
import { startProcess } from "./support.ts";
import { Snapshot } from "../../engine/manifest/snapshot.ts";
import { datasetUri, RECOVERY_DIR } from "../../engine/manifest/layout.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";

/** `CommitGraph::open_at_branch(uri, branch)` (main: null), read by a probe process of its own. */
export async function commitGraph(w: World, branch: string | null = null): Promise<CommitGraphView> {
  const view = await readCommitGraph(startProcess(w, `probe-${w.sched.stepCount}`).env, branch);
  expect(view).not.toBeNull();
  return view!;
}

/** `count_rows_branch(db, branch, table_key)`. */
export async function countRowsBranch(g: Omnigraph, branch: string, tableKey: TableKey): Promise<number> {
  const [kind, type] = tableKey.split(":") as ["node" | "edge", string];
  return (await g.read(kind, type, branch)).length;
}

/** `get_person($name)` on a branch. */
export async function personOn(g: Omnigraph, branch: string, name: string): Promise<Row[]> {
  return (await g.read("node", "Person", branch)).filter((r) => r.id === name);
}

/** The conflicts of a merge that failed with `OmniError::MergeConflicts`. */
export async function mergeConflictsOf(merge: Promise<unknown>): Promise<readonly MergeConflict[]> {
  const outcome = await merge.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isOmniError(outcome, "MergeConflicts")) throw new Error(`expected merge conflicts, got ${String(outcome)}`);
  return outcome.details.conflicts;
}

/** A branch's manifest snapshot, read straight from storage. */
export async function branchManifest(w: World, branch: string | null): Promise<Snapshot> {
  return Snapshot.fromManifest(await w.storage.manifest.load(branch));
}

/** Upstream's `write_sidecar_file` for a branch sidecar pinning one table on `tableBranch`. */
export async function plantBranchSidecar(
  w: World,
  s: { operationId: string; branch: string; tableKey: TableKey; expected: number; post: number; tableBranch: string | null; actor?: string | null },
): Promise<void> {
  const body = {
    schema_version: 1,
    operation_id: s.operationId,
    started_at: "0",
    branch: s.branch,
    actor_id: s.actor ?? null,
    writer_kind: "Mutation",
    tables: [
      {
        table_key: s.tableKey,
        table_path: datasetUri(w.backend.root, tablePathForTableKey(s.tableKey)),
        expected_version: s.expected,
        post_commit_pin: s.post,
        ...(s.tableBranch === null ? {} : { table_branch: s.tableBranch }),
      },
    ],
  };
  await w.storage.objects.put(`${RECOVERY_DIR}${s.operationId}.json`, JSON.stringify(body));
}
