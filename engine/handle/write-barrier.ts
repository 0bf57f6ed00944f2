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
// Then, under its gates, each lists `__recovery/` again and refuses while any sidecar of those
// branches (or a SchemaApply's) is pending (`commit_all`'s pending-sidecar refusal,
// `exec/staging.rs` lines 1056-1091, for a mutation or load;
// `ensure_no_pending_recovery_sidecars_under_gates`, `db/omnigraph.rs` lines 1907-1932, for a
// merge, `exec/merge.rs` lines 3569 and 4041, and EnsureIndices, `table_ops.rs` line 262): a
// sidecar armed since the heal by a writer in another process (in-process writers of the branch
// wait on the same gates). The entry check reuses the heal's own listing; the second is one more
// LIST per write.
// Under `ownerLease` a write does not heal at its head (its commit section recovers instead) and
// the lease waits for a live owner's intent instead of refusing it, which is why `fixed` leaves
// this flag off.
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import { listSidecars, type RecoverySidecar } from "../recovery/sidecar.ts";
import { SCHEMA_APPLY_SERIAL_KEY } from "../sync/write-queue.ts";
import type { Branch } from "../storage/types.ts";
import type { Handle } from "./handle.ts";
import { healHandle } from "./heal.ts";

/** The first of `sidecars` that blocks an operation on `branches`: a SchemaApply's (graph-global) or one of theirs. */
function blockingOf(sidecars: readonly RecoverySidecar[], branches: readonly Branch[]): RecoverySidecar | undefined {
  return sidecars.find((s) => s.writer_kind === "SchemaApply" || branches.includes(s.branch));
}

/** Refuses, under the flag, when one of the heal's `unresolved` intents blocks an operation on `branches`. */
export function writeBarrier(env: Env, unresolved: readonly RecoverySidecar[], branches: readonly Branch[], operation: string): void {
  if (!env.fixes.writeBarrier) return;
  const blocking = blockingOf(unresolved, branches);
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

/**
 * Upstream takes the root schema gate first of a write's gates (schema, branch, tables). The
 * model waits for it before the commit section instead of holding it (its sections take their
 * keys in one sorted order, and a merge or a fork's queues are held before it), so a live
 * in-process schema apply, whose sidecar the second listing would refuse on, is waited out as
 * upstream's gate waits it out.
 */
export async function waitSchemaGate(h: Handle): Promise<void> {
  if (!h.env.fixes.writeBarrier) return;
  const release = await h.queues.acquireMany(h.env, [SCHEMA_APPLY_SERIAL_KEY]);
  release();
}

/** The second listing, under the gates of an operation on `branches`. */
export async function refuseUnderGates(env: Env, branches: readonly Branch[], operation: string): Promise<void> {
  if (!env.fixes.writeBarrier) return;
  const owner = blockingOf(await listSidecars(env), branches);
  if (!owner) return;
  throw new OmniError(
    "RecoveryRequired",
    { sidecars: 1, operationId: owner.operation_id },
    `pending ${owner.writer_kind} recovery operation on branch '${owner.branch ?? "main"}' blocks ${operation}`,
  );
}

/**
 * The pre-arm ownership check (`ensure_existing_effect_baseline`, `db/omnigraph.rs` lines
 * 1945-2011 at `62a9c3fe`): a table whose Lance HEAD is ahead of its pin, with a pending sidecar
 * pinning it, is that operation's drift, and the write refuses `RecoveryRequired` naming it. At
 * the seed the drift guard says `DriftAhead` either way; uncovered drift and a failed listing
 * stay `DriftAhead` (upstream's `manifest_conflict` with the same advice).
 */
export function ownedDriftRefused(env: Env, owner: RecoverySidecar, tableKey: string, head: number, pinned: number): void {
  if (!env.fixes.writeBarrier) return;
  throw new OmniError(
    "RecoveryRequired",
    { sidecars: 1, operationId: owner.operation_id },
    `table '${tableKey}' is at Lance HEAD version ${head}, ahead of published dataset version ${pinned}; the pending recovery operation owns this drift`,
  );
}
