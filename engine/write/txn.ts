// `open_write_txn`: the schema contract is validated, and the base snapshot is
// pinned. At the seed the base is the handle's warm snapshot with no probe, so a long-lived
// handle writes from a stale base.
import { ensureSchemaState } from "../handle/schema-guard.ts";
import type { Handle } from "../handle/handle.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import type { Branch } from "../storage/types.ts";
import { probeOnWrite } from "./probe-on-write.ts";
import { snapshotForBranch } from "../handle/branch-snapshot.ts";
import { underSchemaGate } from "../handle/schema-gate.ts";

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
  // #343: the contract is read under the root schema gate, which a schema apply holds through its
  // renames (the model takes it for a validation that failed: handle/schema-gate.ts).
  await underSchemaGate(h, () => ensureSchemaState(h.env, h.coordinator, h.id));
  const observed = h.coordinator.snapshot;
  if (probeOnWrite(h.env)) await h.coordinator.probe();
  return { branch: h.coordinator.branch, base: h.coordinator.snapshot, strictBase: observed };
}
