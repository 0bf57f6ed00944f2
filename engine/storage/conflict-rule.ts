// Section 10.2 of the engine model: what a dataset commit built on a stale read version meets
// in the versions committed after it. Part of the seam's contract (`DatasetStore.commit`), and
// the one rule both backends apply: the virtual store to its own versions, the Lance backend to
// its op log before LanceDB commits on HEAD (LanceDB alone would rebase the stale writer
// silently, or retry it). Each intervening version is judged in order; the first incompatible
// one decides the error, worded as Lance words it.
//
// The rule is Lance's own conflict resolver (`io/commit/conflict_resolver.rs`,
// `TransactionRebase::check_txn`), read at v1.0.0-beta and at v13.0.0-beta, which agree on
// everything below (so, we take it, does 7.0.0 between them, which upstream pins at the seed):
// - after an Overwrite or a Restore, an Append, Update, Delete, Rewrite or index build is
//   incompatible (CommitConflict, not retried); a stale Overwrite itself conflicts with nothing
//   the seam can express (only with another write of the same config key);
// - an Update or Delete committed without its affected rows, and a Rewrite, conflict
//   retryably with a concurrent Update, Delete or Rewrite that modified or removed a fragment
//   they modify;
// - Append, CreateIndex, ReserveFragments and UpdateConfig modify no existing fragment.
//
// Who meets a retryable conflict depends on how the transaction is run. Lance's update,
// delete and merge-insert builders (`Dataset::delete`, LanceDB's `update` and `mergeInsert`)
// run under `execute_with_retry`: on a retryable conflict they re-execute on the new HEAD, so
// they never fail with one; the model applies them to HEAD's content, and the fragments they
// touch there are what later stale commits compare. A compaction is not re-planned: its plan
// names its read version's fragments. A staged merge-insert (upstream's keyed writes:
// `stage_merge_insert`, then `commit_staged` once, with no affected rows) is planned at its read
// version and never re-executed: it counts the fragments it rewrote there.
import { StorageError } from "./errors.ts";
import type { LanceOp, TxnDelta, Version } from "./types.ts";

/** Our side: the transaction being committed, with the existing fragments it counts as touched. */
export interface StaleFootprint {
  readonly op: LanceOp;
  readonly touched: ReadonlySet<number>;
  /** It re-executes on a retryable conflict instead of failing (`execute_with_retry`). */
  readonly reExecutes: boolean;
}

/**
 * Their side: a version committed after our read version, with the existing fragments it
 * rewrote or removed (a backend may log other things beside fragment ids, e.g. the manifest's
 * objectIds; only numbers are fragments).
 */
export interface InterveningCommit {
  readonly version: Version;
  readonly op: LanceOp;
  readonly touched: Iterable<number | string>;
}

/**
 * Transactions that rewrite rows in existing fragments. A LanceDB merge-insert (`Merge`) is
 * Lance's `Operation::Update` too.
 */
const ROW_REWRITERS: ReadonlySet<LanceOp> = new Set<LanceOp>(["Update", "Merge", "Delete", "Rewrite"]);

/** Transactions that replace the whole dataset: nothing built on an older version survives them. */
const REPLACERS: ReadonlySet<LanceOp> = new Set<LanceOp>(["Overwrite", "Restore"]);

/** Deltas run under Lance's retrying builders: re-executed on the new HEAD after a conflict. */
const RE_EXECUTED: ReadonlySet<TxnDelta["op"]> = new Set<TxnDelta["op"]>(["Update", "Merge", "Delete"]);

/** The Lance operation a delta commits as (a staged merge-insert is an `Update`). */
export function loggedOp(op: TxnDelta["op"]): LanceOp {
  return op === "StagedMergeInsert" ? "Update" : op;
}

/** Whether a stale delta also counts its read version's fragments (a compaction is not re-planned). */
export function countsReadFragments(op: TxnDelta["op"]): boolean {
  return op === "Rewrite";
}

/** Whether a delta's footprint is its read version's alone (planned there, committed once). */
export function plannedAtRead(op: TxnDelta["op"]): boolean {
  return op === "StagedMergeInsert";
}

/**
 * What our transaction counts as touched: the fragments it touches at HEAD, for a compaction
 * its read version's fragments too (`fragmentsAtRead` is read only then), and for a staged
 * merge-insert only the fragments it rewrote at its read version (`touchedAtRead`).
 */
export function staleFootprint(
  op: TxnDelta["op"],
  touchedAtHead: ReadonlySet<number>,
  fragmentsAtRead: Iterable<number>,
  touchedAtRead: ReadonlySet<number> = new Set(),
): StaleFootprint {
  const logged = loggedOp(op);
  const reExecutes = RE_EXECUTED.has(op);
  if (plannedAtRead(op)) return { op: logged, touched: touchedAtRead, reExecutes };
  if (!countsReadFragments(op)) return { op: logged, touched: touchedAtHead, reExecutes };
  return { op: logged, touched: new Set([...fragmentsAtRead, ...touchedAtHead]), reExecutes };
}

/** Throws the error Lance raises for `ours` rebased over `intervening`; returns if all are compatible. */
export function checkStaleCommit(ours: StaleFootprint, intervening: Iterable<InterveningCommit>): void {
  for (const theirs of intervening) {
    const conflict = conflictBetween(ours, theirs);
    if (conflict !== null) throw conflict;
  }
}

/** The error `ours` meets over one intervening version, or null if it rebases over it. */
export function conflictBetween(ours: StaleFootprint, theirs: InterveningCommit): StorageError | null {
  if (ours.op === "Overwrite") return null;
  if (REPLACERS.has(theirs.op)) {
    return new StorageError(
      "CommitConflict",
      `Incompatible transaction: This ${ours.op} transaction is incompatible with concurrent transaction ` +
        `${theirs.op} at version ${theirs.version}.`,
    );
  }
  if (!ours.reExecutes && ROW_REWRITERS.has(ours.op) && ROW_REWRITERS.has(theirs.op) && shares(ours.touched, theirs.touched)) {
    return new StorageError(
      "RetryableCommitConflict",
      `Retryable commit conflict for version ${theirs.version}: This ${ours.op} transaction was preempted by ` +
        `concurrent transaction ${theirs.op} at version ${theirs.version}. Please retry.`,
    );
  }
  // Append adds rows; re-executed writers retry past the overlap; CreateIndex, ReserveFragments
  // and UpdateConfig change no rows; row rewriters on disjoint fragments do not meet.
  return null;
}

function shares(ours: ReadonlySet<number>, theirs: Iterable<number | string>): boolean {
  for (const fragment of theirs) if (typeof fragment === "number" && ours.has(fragment)) return true;
  return false;
}
