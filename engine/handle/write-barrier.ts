// The one home of the `writeBarrier` flag (engine/fixes.ts): RFC-022's synchronous write
// recovery barrier, as `62a9c3fe` has it (`heal_pending_recovery_sidecars_for_write`,
// `db/omnigraph.rs` lines 1833-1870). A mutation (`exec/mutation.rs` line 892), a load
// (`loader/mod.rs` lines 328-335), a branch merge (`exec/merge.rs` line 3559, both branches) and
// EnsureIndices (`table_ops.rs` line 92) run the live-safe heal first, then refuse
// `RecoveryRequired` while an intent the heal left pending is on a branch they write or read, or
// is a SchemaApply's (graph-global). At the seed the heal rolls forward what it can and the write
// goes ahead past what it deferred: it can move a table a pending intent pins, which is how a
// later recovery meets a moved pin.
//
// The model renders the entry barrier, which reuses the heal's own LIST and adds no storage call.
// Upstream's second listing under the gates (`commit_all`'s pending-sidecar refusal for a
// mutation or load, `ensure_no_pending_recovery_sidecars_under_gates` for a merge and
// EnsureIndices: a LIST after the branch and table gates are taken) is not modelled: it would add
// a scheduling point to every write (docs/fidelity.md).
// Under `ownerLease` a write does not heal at its head (its commit section recovers instead), so
// there is nothing here to refuse on: the lease waits for a live owner's intent instead of
// refusing it, which is why `fixed` leaves this flag off.
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import type { RecoverySidecar } from "../recovery/sidecar.ts";
import type { Branch } from "../storage/types.ts";
import type { Handle } from "./handle.ts";
import { healHandle } from "./heal.ts";

/** Refuses, under the flag, when one of the heal's `unresolved` intents is a SchemaApply's or on one of `branches`. */
export function writeBarrier(env: Env, unresolved: readonly RecoverySidecar[], branches: readonly Branch[], operation: string): void {
  if (!env.fixes.writeBarrier) return;
  const blocking = unresolved.find((s) => s.writer_kind === "SchemaApply" || branches.includes(s.branch));
  if (!blocking) return;
  const pins = blocking.tables.length === 0 ? "no dataset pins" : `datasets ${blocking.tables.map((p) => p.table_key).join(", ")}`;
  throw new OmniError(
    "RecoveryRequired",
    { sidecars: unresolved.length, operationId: blocking.operation_id },
    `pending ${blocking.writer_kind} recovery operation on branch '${blocking.branch ?? "main"}' blocks the synchronous write recovery barrier of ${operation} (${pins}); reopen the graph read-write before retrying`,
  );
}

/**
 * EnsureIndices's entry barrier (`ensure_indices_for_branch`): the heal and the refusal, on the
 * branch it indexes. Without the flag ensureIndices does not heal, as at the seed.
 */
export async function ensureIndicesBarrier(h: Handle, branch: Branch): Promise<void> {
  if (!h.env.fixes.writeBarrier) return;
  writeBarrier(h.env, await healHandle(h), [branch], "ensure_indices");
}
