// `open_write_txn`: the schema contract is validated, and the base snapshot is
// pinned. At the seed the base is the handle's warm snapshot with no probe, so a long-lived
// handle writes from a stale base.
import { ensureSchemaState } from "../handle/schema-guard.ts";
import type { Handle } from "../handle/handle.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import type { Branch } from "../storage/types.ts";
import { probeOnWrite } from "./probe-on-write.ts";
import { snapshotForBranch } from "../handle/branch-snapshot.ts";

export interface WriteTxn {
  readonly branch: Branch;
  /** What validation reads and non-strict writes expect. */
  readonly base: Snapshot;
  /**
   * What strict writes expect: the view the caller last observed. Equal to `base` unless
   * `probeOnWrite` refreshed the base, in which case an advance since then must be judged
   * (by `opClassPrecondition`) rather than silently absorbed.
   */
  readonly strictBase: Snapshot;
}

/**
 * `open_write_txn(branch)`: the handle's bound branch reads its warm snapshot (probed under
 * `probeOnWrite`); any other branch is a cold read of that branch (`resolved_branch_target`).
 */
export async function openWriteTxn(h: Handle, branch: Branch = h.coordinator.branch): Promise<WriteTxn> {
  if (branch !== h.coordinator.branch) {
    const base = await snapshotForBranch(h, branch);
    return { branch, base, strictBase: base };
  }
  // The bound coordinator as it is now: a merge on the same handle swaps `h.coordinator` to its
  // target while this awaits, and the write must stay on the branch it was asked for.
  const coordinator = h.coordinator;
  await ensureSchemaState(h.env, coordinator, h.id);
  const observed = coordinator.snapshot;
  if (probeOnWrite(h.env)) await coordinator.probe();
  return { branch, base: coordinator.snapshot, strictBase: observed };
}
