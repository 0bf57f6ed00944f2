// The one home of the `optimizeMergeGate` flag (engine/fixes.ts). A merge swaps its handle's
// coordinator for the target's for the length of its body (`swap_coordinator_for_branch`), and
// optimize publishes each compaction through the handle's coordinator
// (`db.coordinator.write().await.commit_updates_with_actor_with_expected`, `optimize.rs`, at
// the seed and at `62a9c3fe`) with main's fresh pin as its expectation. At the seed nothing
// orders the two, so an optimize on a handle a merge holds swapped publishes main's compaction
// into the merge target's manifest: refused (ExpectedVersionMismatch, the target pins another
// version, on every retry: `random-workload-branches` on `fixed`, random seeds 49 and 58), or,
// when the target pins the same version number on its own fork, accepted, pinning main's
// lineage on the target. By `62a9c3fe` both hold the root schema gate: the merge from before
// its swap to after its publish (#343, `f758ff0d`: "join the same root-shared schema -> branch
// order used by native branch controls"), optimize through its data tables' publishes (#351,
// `88edc0e2`: the gate dropped only before the internal tables' compaction), so one process
// never runs them at once. The model holds the handle's merge-exclusive lock for optimize's
// data tables instead, which orders it against every merge on the handle, the one whose swap
// it could meet (docs/fidelity.md).
import type { Handle } from "../handle/handle.ts";
import type { Release } from "../sync/mutex.ts";

/** What optimize holds while it compacts and publishes its data tables (nothing without the flag). */
export async function optimizeMergeGate(h: Handle): Promise<Release> {
  if (!h.env.fixes.optimizeMergeGate) return () => undefined;
  // Uncontended, the lock is taken with no scheduling point of its own, so a universe with no
  // merge on the handle runs the schedule it ran without the flag.
  return h.mergeExclusive.tryAcquire() ?? (await h.mergeExclusive.acquire(h.env));
}
