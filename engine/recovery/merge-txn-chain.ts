// The one home of the `mergeTxnChain` flag (engine/fixes.ts): upstream's #345 (`e0e145aa`,
// "Enroll branch merge in RFC-022 write path"). Before it a BranchMerge sidecar's pins say only
// where each table stood (`expected_version`) and, once Phase B finished, where it reached
// (`confirmed_version`), and recovery takes a table's movement as the merge's own: its
// stale-sidecar rule (every table `NoMovement`, some pin past the expected version) audits
// RolledForward a merge that failed before any commit, whose table another writer has since
// published past the pin (`full-reload-merge` on `upstream`, the swarm knob's injected error at
// `branch_merge.adopt_after_append_pre_upsert`).
//
// With #345 each pin's effect carries the merge's planned transaction chain (`MultiCommitHead {
// planned_transactions }`, `manifest/recovery.rs` at `62a9c3fe`): one pre-minted identity per
// data commit, the first read at the pin's expected version and each next one at the version
// the previous one made (`validate_branch_merge_transaction_chain`, recovery.rs:2686-2769).
// Recovery owns only that chain: `prove_branch_merge_multi_commit_effect` (recovery.rs:4331-4441)
// walks the versions above the chain's base and requires each to be the next planned identity at
// its exact output version, after the full chain one derived `CreateIndex` tail, and nothing
// else; `process_branch_merge_sidecar_v4` (recovery.rs:5481-5747) rolls forward only a confirmed
// table whose full chain is at HEAD, and finalizes a sidecar whose publish already landed only
// when the merge's own lineage commit is visible (`detect_visible_v4_outcome`,
// recovery.rs:7334-7411): there is no stale-sidecar rule for these sidecars.
//
// The model: a pin records its chain (`planned_transactions`: read version and op, the model's
// stand-in for the identity's uuid, as `exactCommit`'s `planned_transaction` is), and recovery
// asks the table's Lance history for it in two places of `process.ts`:
// - a confirmed table's roll-forward: the versions from the expected version up to HEAD are the
//   chain, then only `CreateIndex` (otherwise the table is not the merge's complete effect and
//   the sidecar rolls back);
// - the stale-sidecar rule: every pin confirmed, and its chain among the versions up to its
//   confirmed version, which the manifest has published (the model's stand-in for the visible
//   lineage commit). Unproven, the sidecar takes the roll-back arm: nothing of the merge's to
//   restore, a `RolledBack` audit, the sidecar deleted (the heal defers it).
// Where upstream differs (docs/fidelity.md, D8): it refuses to act (Full recovery fails
// `manifest_internal`, the heal defers) on a pin the manifest moved, or a foreign or unreadable
// transaction, where the model rolls back; its write barrier keeps a write from moving a table
// a pending merge pins at all; it deletes an effect-free merge's sidecar with no audit row.
// Read by `merge/merge.ts`, `merge/publish-table.ts` (exact commits) and `recovery/process.ts`.
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import type { DatasetPath, LanceOp, TableKey, Version, VersionInfo } from "../storage/types.ts";
import type { PlannedTransaction, RecoverySidecar, SidecarTablePin } from "./sidecar.ts";

/** Whether `mergeTxnChain` is on for this engine. */
export function mergeTxnChain(env: Env): boolean {
  return env.fixes.mergeTxnChain;
}

/**
 * What a merge's pin records of its planned data commits, in order (`planned_transactions_by_table`
 * in `exec/merge.rs`): each reads the version the previous one made, the first the pin's
 * expected version. Nothing without the flag.
 */
export function plannedMergeChain(env: Env, expected: Version, ops: readonly LanceOp[]): { planned_transactions?: readonly PlannedTransaction[] } {
  if (!mergeTxnChain(env)) return {};
  return { planned_transactions: ops.map((op, i) => ({ read_version: (expected + i) as Version, op })) };
}

/**
 * #345's exact commits (`commit_exact_merge_stage`, `exec/merge.rs` at `62a9c3fe`): the merge's
 * k-th data commit on a table must land at the pin's expected version + k, the output its
 * pre-minted transaction was planned for. A commit Lance placed anywhere else was rebased over a
 * commit the merge never planned on (another process's, committed and not yet published): the
 * merge stops with upstream's `manifest_read_set_changed("branch_merge_lance_transaction")`, after
 * its effect, so it is not retried and its sidecar stays for recovery, which owns only the
 * chain. Returns a check for each commit in turn; without the flag (or a pin) it checks nothing.
 */
export function exactMergeCommits(env: Env, tableKey: TableKey, expected: Version | undefined): (committed: Version) => Version {
  let step = 0;
  return (committed) => {
    step++;
    if (!mergeTxnChain(env) || expected === undefined || committed === expected + step) return committed;
    throw new OmniError(
      "ReadSetChanged",
      { attempts: 0, beforeEffect: false },
      `branch merge: table '${tableKey}' commit ${step} landed at version ${committed}, planned ${expected + step} (a rebased Lance transaction)`,
    );
  };
}

/** One pinned table as recovery read it. */
export interface ChainTable {
  readonly pin: SidecarTablePin;
  readonly path: DatasetPath;
  readonly pinned: Version;
  readonly head: Version;
}

/** Whether recovery judges this sidecar by its chain: the flag is on and every pin records one. */
function judgedByChain(env: Env, sidecar: RecoverySidecar): boolean {
  return mergeTxnChain(env) && sidecar.writer_kind === "BranchMerge" && sidecar.tables.every((p) => p.planned_transactions !== undefined);
}

/**
 * A confirmed table's roll-forward evidence: the versions above the expected version up to HEAD
 * are exactly the merge's chain, then derived `CreateIndex` commits only. Always true without the
 * flag or for a sidecar written without chains (upstream's legacy v2 arm).
 */
export async function mergeChainAtHead(env: Env, sidecar: RecoverySidecar, t: ChainTable): Promise<boolean> {
  if (!judgedByChain(env, sidecar)) return true;
  return chainFills(await historyOf(env, t), t.pin, t.head);
}

/**
 * The stale-sidecar rule's evidence: every pin confirmed, its chain (and nothing foreign) up to
 * its confirmed version, and the manifest published at or past it: the merge's own publish (or
 * an earlier recovery's roll-forward) landed. Always true without the flag or chains.
 */
export async function mergeChainPublished(env: Env, sidecar: RecoverySidecar, tables: readonly ChainTable[]): Promise<boolean> {
  if (!judgedByChain(env, sidecar)) return true;
  // A merge that planned no data commit has nothing in any history to be known by.
  if (tables.every((t) => (t.pin.planned_transactions ?? []).length === 0)) return false;
  for (const t of tables) {
    const confirmed = t.pin.confirmed_version;
    if (confirmed === undefined || t.pinned < confirmed) return false;
    if (!chainFills(await historyOf(env, t), t.pin, confirmed)) return false;
  }
  return true;
}

function historyOf(env: Env, t: ChainTable): Promise<readonly VersionInfo[]> {
  return env.storage.datasets.versions(t.path, t.pin.table_branch ?? null);
}

/**
 * `prove_branch_merge_multi_commit_effect`'s walk from the chain's base to `upTo`: each version the
 * next planned transaction at its exact output version, and after the full chain only the derived
 * index tail. Upstream admits one `CreateIndex` there (its write path's index reconciliation
 * commits once); the model's `buildMissingIndices` commits one per missing index, so any number.
 */
function chainFills(history: readonly VersionInfo[], pin: SidecarTablePin, upTo: Version): boolean {
  const chain = pin.planned_transactions ?? [];
  if (upTo < pin.expected_version + chain.length) return false;
  for (let v = pin.expected_version + 1; v <= upTo; v++) {
    const at = history.find((h) => h.version === v);
    if (at === undefined) return false;
    const planned = chain[v - pin.expected_version - 1];
    if (planned ? at.op !== planned.op || at.readVersion !== planned.read_version : at.op !== "CreateIndex") return false;
  }
  return true;
}
