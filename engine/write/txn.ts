// `open_write_txn`: the schema contract is validated, and the base snapshot is
// pinned. At the seed the base is the handle's warm snapshot with no probe, so a long-lived
// handle writes from a stale base.
import { ensureSchemaState } from "../handle/schema-guard.ts";
import type { Catalog } from "../schema/catalog.ts";
import { txnCatalog } from "./txn-catalog.ts";
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
  /**
   * What the write plans and validates against: the catalog of the schema contract validated at
   * open under `txnCatalog` (upstream's `WriteTxn::catalog`), the handle's warm one at the seed.
   */
  readonly catalog: Catalog;
}

/**
 * `open_write_txn(branch)`: the handle's bound branch reads its warm snapshot (probed under
 * `probeOnWrite`); any other branch is a cold read of that branch (`resolved_branch_target`).
 */
export async function openWriteTxn(h: Handle, branch: Branch = h.coordinator.branch, viewed?: Snapshot): Promise<WriteTxn> {
  if (branch !== h.coordinator.branch) {
    const catalog = txnCatalog(h.env) ? await underSchemaGate(h, () => ensureSchemaState(h.env, h.coordinator, h.id)) : h.catalog;
    const base = await snapshotForBranch(h, branch);
    return { branch, base, strictBase: base, catalog };
  }
  // The bound coordinator as it is now: a merge on the same handle swaps `h.coordinator` to its
  // target while this awaits, and the write must stay on the branch it was asked for.
  const coordinator = h.coordinator;
  // #343: the contract is read under the root schema gate, which a schema apply holds through its
  // renames (the model takes it for a validation that failed: handle/schema-gate.ts).
  const validated = await underSchemaGate(h, () => ensureSchemaState(h.env, coordinator, h.id));
  // Design A's expectation is the view the caller last observed: from before the write's heal,
  // which refreshes the coordinator (upstream's `heal_pending_sidecars_roll_forward` re-reads it
  // "so the caller's handle observes the post-heal manifest"), when the caller passes it.
  // Without the probe the write judges the warm view as the heal left it, as upstream's seed does.
  const observed = probeOnWrite(h.env) ? (viewed ?? coordinator.snapshot) : coordinator.snapshot;
  if (probeOnWrite(h.env)) await coordinator.probe();
  return { branch, base: coordinator.snapshot, strictBase: observed, catalog: txnCatalog(h.env) ? validated : h.catalog };
}
