// Lance's conflict rules for a transaction committed on a stale read version (engine-model
// section 10.2). Each intervening version is judged in order; the first incompatible one
// decides the error, with Lance's wording.
//
// Our footprint follows the probe of real Lance (deps-probe section 3). Update and Delete are
// re-run on the content they land on (LanceDB retries them internally), so they count only what
// they touch at HEAD: a stale Delete whose rows are gone touches nothing and commits with 0
// rows, and an Update after a compaction touches only the new fragment, which the compaction
// did not touch. A compaction is not re-planned: its plan names the fragments of its read
// version, so it also counts those, and collides with a concurrent Update, Delete or Rewrite of
// any of them even if they are gone by HEAD.
import { StorageError } from "../../engine/storage/errors.ts";
import type { LanceOp, Version } from "../../engine/storage/types.ts";
import type { FragmentId } from "./dataset-content.ts";

export interface TransactionFootprint {
  readonly op: LanceOp;
  /** Existing fragments the transaction rewrote or removed. */
  readonly touched: ReadonlySet<FragmentId>;
}

export interface CommittedTransaction extends TransactionFootprint {
  readonly version: Version;
}

/** Transactions that rewrite rows in existing fragments: they collide on a shared fragment. */
const ROW_REWRITERS: ReadonlySet<LanceOp> = new Set<LanceOp>(["Update", "Delete", "Rewrite"]);

/** Transactions that replace the whole dataset: nothing built on an older version survives them. */
const REPLACERS: ReadonlySet<LanceOp> = new Set<LanceOp>(["Overwrite", "Restore"]);

/** What our transaction counts as touched when it is checked against intervening versions. */
export function footprintOf(
  op: LanceOp,
  touchedAtHead: ReadonlySet<FragmentId>,
  fragmentsAtRead: ReadonlySet<FragmentId>,
): TransactionFootprint {
  if (op !== "Rewrite") return { op, touched: touchedAtHead };
  return { op, touched: new Set([...fragmentsAtRead, ...touchedAtHead]) };
}

/** Throws the error Lance raises for `ours` rebased over `intervening`; returns if all are compatible. */
export function checkRebase(ours: TransactionFootprint, intervening: readonly CommittedTransaction[]): void {
  for (const theirs of intervening) {
    const conflict = conflictBetween(ours, theirs);
    if (conflict !== null) throw conflict;
  }
}

function conflictBetween(ours: TransactionFootprint, theirs: CommittedTransaction): StorageError | null {
  if (REPLACERS.has(theirs.op) || ours.op === "Overwrite") return incompatible(ours.op, theirs);
  if (ROW_REWRITERS.has(ours.op) && ROW_REWRITERS.has(theirs.op) && overlaps(ours.touched, theirs.touched)) {
    return new StorageError(
      "RetryableCommitConflict",
      `Retryable commit conflict for version ${theirs.version}: This ${ours.op} transaction was preempted by ` +
        `concurrent transaction ${theirs.op} at version ${theirs.version}. Please retry.`,
    );
  }
  // Append and Merge add rows and rebase over anything else; CreateIndex, ReserveFragments and
  // UpdateConfig change no rows; row rewriters on disjoint fragments do not meet.
  return null;
}

function incompatible(ourOp: LanceOp, theirs: CommittedTransaction): StorageError {
  return new StorageError(
    "CommitConflict",
    `Incompatible transaction: This ${ourOp} transaction is incompatible with concurrent transaction ` +
      `${theirs.op} at version ${theirs.version}.`,
  );
}

function overlaps(a: ReadonlySet<FragmentId>, b: ReadonlySet<FragmentId>): boolean {
  for (const id of a) if (b.has(id)) return true;
  return false;
}
