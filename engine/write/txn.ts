// `open_write_txn`: the schema contract is validated, and the base snapshot is
// pinned. At the seed the base is the handle's warm snapshot with no probe, so a long-lived
// handle writes from a stale base.
import { ensureSchemaState } from "../handle/schema-guard.ts";
import type { Handle } from "../handle/handle.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import type { Branch } from "../storage/types.ts";
import { probeOnWrite } from "./probe-on-write.ts";

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

export async function openWriteTxn(h: Handle): Promise<WriteTxn> {
  await ensureSchemaState(h.env, h.coordinator, h.id);
  const observed = h.coordinator.snapshot;
  if (probeOnWrite(h.env)) await h.coordinator.probe();
  return { branch: h.coordinator.branch, base: h.coordinator.snapshot, strictBase: observed };
}
