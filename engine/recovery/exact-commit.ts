// The one home of the `exactCommit` flag (engine/fixes.ts): RFC-022 (#343, `f758ff0d`). A write
// validates its read set with Lance HEAD equal to the pin, then commits each staged table. If
// another writer committed to the table in between (its own commit not yet published), Lance
// rebases ours onto it, and at the seed the write publishes the result: the other writer's
// unpublished, possibly failing, effect becomes visible with ours (a partial effect, a deleted
// node's edges still published). With the fix a commit that did not land exactly one version
// above the validated pin is not published: the write fails `RecoveryRequired` and its sidecar
// stays for recovery (upstream's `commit_all`: "committed a rebased Lance transaction").
//
// Recovery has the same hole: it rolls a sidecar forward when Lance HEAD is at the pin + 1,
// whoever made that commit. A writer that died after its sidecar and before its commit, with
// another writer's commit at that version, has the other's (unpublished) commit published as
// its own. Upstream's v9 pins carry the planned transaction's identity, and recovery owns only
// its own commits ("never restore a foreign advance"); here a pin records the planned
// transaction (read version and op, the model's stand-in for Lance's transaction uuid), and a
// commit that is not it is `ForeignAtP1`: neither rolled forward nor restored. The stand-in
// cannot tell apart two commits of one kind read at one version (two inserts): such a foreign
// commit still passes for the writer's own (docs/fidelity.md).
// Read by `commit-all.ts` and `recovery/process.ts`.
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import type { PlannedTransaction, SidecarTablePin } from "./sidecar.ts";
import { loggedOp } from "../storage/conflict-rule.ts";
import type { DatasetPath, TableKey, TxnDelta, Version } from "../storage/types.ts";

/** What a staged table's pin records of its one planned commit (nothing at the seed). */
export function plannedTransaction(env: Env, readVersion: Version, delta: TxnDelta): { planned_transaction?: PlannedTransaction } {
  return env.fixes.exactCommit ? { planned_transaction: { read_version: readVersion, op: loggedOp(delta.op) } } : {};
}

/**
 * Whether the commit at the pin's `post_commit_pin` is the one its writer planned. Without the
 * fix (or without a recorded plan) any commit there counts, as at the seed.
 */
export async function isPlannedCommit(env: Env, pin: SidecarTablePin, path: DatasetPath): Promise<boolean> {
  const planned = pin.planned_transaction;
  if (!env.fixes.exactCommit || !planned) return true;
  const at = (await env.storage.datasets.versions(path, pin.table_branch ?? null)).find((v) => v.version === pin.post_commit_pin);
  return at !== undefined && at.op === planned.op && at.readVersion === planned.read_version;
}

/** Refuses a commit that Lance rebased over a commit this write never validated. */
export function requireExactCommit(env: Env, tableKey: TableKey, validatedPin: Version, committed: Version, operationId: string | null): void {
  if (!env.fixes.exactCommit || committed === validatedPin + 1) return;
  throw new OmniError(
    "RecoveryRequired",
    { sidecars: 1, ...(operationId ? { operationId } : {}) },
    `table '${tableKey}' committed a rebased Lance transaction at version ${committed} (planned ${validatedPin + 1}); recovery is required`,
  );
}
