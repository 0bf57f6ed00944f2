// The one home of the `branchRecoveryBarrier` flag (engine/fixes.ts): RFC-022's recovery barrier
// on branch creation (#343, `f758ff0d`; `62a9c3fe` keeps it). Upstream's `branch_create_from_impl`
// first heals every pending sidecar (`heal_pending_recovery_sidecars_for_write`: a sidecar whose
// branch no longer exists is discarded as an orphan), then, under its gates, refuses with
// RecoveryRequired while a sidecar of the source or the new branch is still pending
// (`ensure_no_pending_recovery_sidecars_under_gates`). At the seed neither runs: a sidecar left
// by a write on a deleted branch outlives it, and once a branch of the same name is created again
// recovery classifies it against the new branch's pins (versions of another lineage), which it
// reads as an invariant violation: every open and heal after that refuses (RecoveryInvariantViolation).
//
// The model renders the part about the new branch's name: before the create, the sidecars of
// that name (orphans: the branch does not exist, or the create fails BranchConflict) are
// discarded as recovery discards orphans, and one still pending after that, or found again just
// before the manifest branch is made, refuses the create.
// The source's own pending sidecars do not refuse a create in the model (docs/fidelity.md).
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import { bumpingPublishOptions } from "../handle/commit-section.ts";
import { manifestBranchNames } from "../manifest/branch-list.ts";
import { Coordinator } from "../manifest/coordinator.ts";
import { recoverManifestDrift } from "../recovery/sweep.ts";
import { listSidecars } from "../recovery/sidecar.ts";

export async function branchCreateRecoveryBarrier(env: Env, name: string, handleId: string): Promise<void> {
  if (!env.fixes.branchRecoveryBarrier) return;
  const pending = (await listSidecars(env)).filter((s) => s.branch === name);
  if (pending.length === 0) return;
  // A branch of that name exists: the create fails BranchConflict; its sidecars are its own.
  if ((await manifestBranchNames(env)).includes(name)) return;
  const main = await Coordinator.open(env, null, handleId);
  await recoverManifestDrift(env, main, { kind: "Noop" }, bumpingPublishOptions(env, null), undefined, name);
  await refuseWhilePending(env, name);
}

/**
 * `ensure_no_pending_recovery_sidecars_under_gates`, again just before the manifest branch is
 * made: a write on a deleted branch of that name (in another process) may have left its sidecar
 * since the barrier's heal.
 */
export async function branchCreateLastCheck(env: Env, name: string): Promise<void> {
  if (!env.fixes.branchRecoveryBarrier) return;
  await refuseWhilePending(env, name);
}

async function refuseWhilePending(env: Env, name: string): Promise<void> {
  const left = (await listSidecars(env)).find((s) => s.branch === name);
  if (left) {
    throw new OmniError(
      "RecoveryRequired",
      { sidecars: 1, operationId: left.operation_id },
      `pending ${left.writer_kind} recovery operation on branch '${name}' blocks branch_create_from`,
    );
  }
}
