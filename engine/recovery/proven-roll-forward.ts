// The one home of the `provenRollForward` flag (engine/fixes.ts), F14 (found by omnisim; G2 in
// its triage). Recovery takes a table's movement as the sidecar writer's own effect without
// asking who made it, in two places of `process_sidecar` (upstream `manifest/recovery.rs`, at the
// seed `7d3a52d6` and still at `62a9c3fe` for the sidecars that carry no transaction identity,
// Optimize's among them):
// - the stale-sidecar rule of the RollBack arm: every table `NoMovement` and some pin past the
//   sidecar's expected version reads as "a previous recovery's roll_forward_all succeeded but
//   record_audit or delete_sidecar failed", and `record_audit_recovery_rollforward` audits
//   RolledForward. A writer that never committed (an optimize that failed before compacting)
//   whose table another writer has since moved and published is audited as rolled forward;
// - the loose classifier (`ClassificationMode::Loose`, Optimize and EnsureIndices): HEAD above a
//   pin equal to the expected version is `RolledPastExpected`, whoever committed there, and the
//   roll-forward publishes HEAD: another writer's unpublished commit (a failed delete's) becomes
//   visible as maintenance. Upstream's comment names the risk ("an external agent advancing HEAD
//   between sidecar write and recovery") and leaves it out of scope.
// With the fix recovery first establishes, from the table's Lance history, that the movement
// is the writer's: for the stale rule, a commit the writer could have made (its planned
// transaction when the pin records one, `exactCommit`, wherever Lance landed it; otherwise a
// transaction of the writer's kind built on the expected version or later) among the versions
// the pin advanced over, so the writer's effect is in what was published; for the
// loose roll-forward, every version above the pin a transaction of the writer's kind. Unproven,
// the sidecar takes the roll-back arm: nothing of the writer's to restore (a foreign advance is
// never restored), a `RolledBack` audit with no outcomes, the sidecar deleted (the heal defers it
// to the next read-write open, as it defers every roll-back). The model has no transaction uuid,
// so a commit of the same kind on the same read version by another writer still passes for the
// writer's (docs/fidelity.md). Read by `process.ts`.
import type { Env } from "../env.ts";
import type { DatasetPath, LanceOp, Version } from "../storage/types.ts";
import type { RecoverySidecar, SidecarKind, SidecarTablePin } from "./sidecar.ts";

/** Whether `provenRollForward` is on for this engine. */
export function provenRollForward(env: Env): boolean {
  return env.fixes.provenRollForward;
}

const MAINTENANCE: ReadonlySet<LanceOp> = new Set<LanceOp>(["Rewrite", "ReserveFragments", "CreateIndex"]);
const LOGICAL: ReadonlySet<LanceOp> = new Set<LanceOp>(["Append", "Update", "Merge", "Delete", "Overwrite"]);

/**
 * The Lance operations a writer of `kind` commits, for the kinds whose commits the history can
 * tell (null: a schema apply, judged by its live schema identity, `fix346`; a branch merge, by
 * its Phase-B confirmation).
 */
function writerOps(kind: SidecarKind): ReadonlySet<LanceOp> | null {
  switch (kind) {
    case "Mutation":
    case "Load":
      return LOGICAL;
    case "Optimize":
      return MAINTENANCE;
    case "EnsureIndices":
      return new Set<LanceOp>(["CreateIndex"]);
    case "SchemaApply":
    case "BranchMerge":
      return null;
  }
}

/** One table of the sidecar as recovery classified it. */
export interface ObservedTable {
  readonly pin: SidecarTablePin;
  readonly path: DatasetPath;
  readonly pinned: Version;
  readonly head: Version;
}

/**
 * The stale-sidecar rule's evidence: every table whose pin moved past the expected version
 * moved over a commit of the writer's. Always true without the fix (the seed's rule).
 */
export async function staleRollForwardProven(env: Env, sidecar: RecoverySidecar, tables: readonly ObservedTable[]): Promise<boolean> {
  if (!provenRollForward(env)) return true;
  const ops = writerOps(sidecar.writer_kind);
  if (ops === null) return true;
  for (const t of tables) {
    if (t.pinned <= t.pin.expected_version) continue;
    if (!(await writerCommittedBetween(env, t, ops, t.pin.expected_version, t.pinned))) return false;
  }
  return true;
}

/**
 * The loose roll-forward's evidence: every version from the pin up to HEAD is a transaction of
 * the writer's kind (a compaction's, for an optimize), so publishing HEAD publishes nothing
 * another writer left unpublished. Always true without the fix.
 */
export async function looseAdvanceOwned(env: Env, sidecar: RecoverySidecar, t: ObservedTable): Promise<boolean> {
  if (!provenRollForward(env)) return true;
  const ops = writerOps(sidecar.writer_kind);
  if (ops === null || ops === LOGICAL) return true;
  const above = (await env.storage.datasets.versions(t.path, t.pin.table_branch ?? null)).filter((v) => v.version > t.pinned && v.version <= t.head);
  return above.length === t.head - t.pinned && above.every((v) => ops.has(v.op));
}

/**
 * Whether a version in (`from`, `to`] is a commit the writer could have made: its planned
 * transaction where the pin records one (`exactCommit`; wherever it landed, for a commit Lance
 * rebased is still the writer's effect), otherwise a transaction of its kind built on `from` or
 * later.
 */
async function writerCommittedBetween(env: Env, t: ObservedTable, ops: ReadonlySet<LanceOp>, from: Version, to: Version): Promise<boolean> {
  const planned = t.pin.planned_transaction;
  const history = await env.storage.datasets.versions(t.path, t.pin.table_branch ?? null);
  return history.some(
    (v) => v.version > from && v.version <= to && (planned ? v.op === planned.op && v.readVersion === planned.read_version : v.readVersion >= from && ops.has(v.op)),
  );
}
