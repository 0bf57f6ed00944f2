// Section 10.2 of the engine model: what a dataset commit built on a stale read version meets
// in the versions committed after it. Part of the seam's contract (`DatasetStore.commit`), and
// the one rule both backends apply: the virtual store to its own versions, the Lance backend to
// its op log before LanceDB commits on HEAD (LanceDB alone would rebase the stale writer
// silently, or retry it). Each intervening version is judged in order; the first incompatible
// one decides the error, worded as Lance words it.
//
// The footprint follows the probe of real Lance (deps-probe section 3). Update and Delete are
// re-run on the content they land on (LanceDB retries them internally), so they count only the
// fragments they touch at HEAD: a stale Delete whose rows are gone touches nothing and commits
// with 0 rows, and an Update after a compaction touches only the new fragment, which the
// compaction did not touch. A compaction is not re-planned: its plan names the fragments of its
// read version, so it also counts those, and collides with a concurrent Update, Delete or
// Rewrite of any of them even if they are gone by HEAD.
import { StorageError } from "./errors.ts";
import type { LanceOp, Version } from "./types.ts";

/** Our side: the transaction being committed, with the existing fragments it counts as touched. */
export interface StaleFootprint {
  readonly op: LanceOp;
  readonly touched: ReadonlySet<number>;
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

/** Transactions that rewrite rows in existing fragments: they collide on a shared fragment. */
const ROW_REWRITERS: ReadonlySet<LanceOp> = new Set<LanceOp>(["Update", "Delete", "Rewrite"]);

/** Transactions that replace the whole dataset: nothing built on an older version survives them. */
const REPLACERS: ReadonlySet<LanceOp> = new Set<LanceOp>(["Overwrite", "Restore"]);

/** Whether a stale `op` also counts its read version's fragments (a compaction is not re-planned). */
export function countsReadFragments(op: LanceOp): boolean {
  return op === "Rewrite";
}

/**
 * What our transaction counts as touched: the fragments it touches at HEAD, and for a
 * compaction its read version's fragments too (`fragmentsAtRead` is read only then).
 */
export function staleFootprint(
  op: LanceOp,
  touchedAtHead: ReadonlySet<number>,
  fragmentsAtRead: Iterable<number>,
): StaleFootprint {
  if (!countsReadFragments(op)) return { op, touched: touchedAtHead };
  return { op, touched: new Set([...fragmentsAtRead, ...touchedAtHead]) };
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
  if (REPLACERS.has(theirs.op) || ours.op === "Overwrite") {
    return new StorageError(
      "CommitConflict",
      `Incompatible transaction: This ${ours.op} transaction is incompatible with concurrent transaction ` +
        `${theirs.op} at version ${theirs.version}.`,
    );
  }
  if (ROW_REWRITERS.has(ours.op) && ROW_REWRITERS.has(theirs.op) && shares(ours.touched, theirs.touched)) {
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

function shares(ours: ReadonlySet<number>, theirs: Iterable<number | string>): boolean {
  for (const fragment of theirs) if (typeof fragment === "number" && ours.has(fragment)) return true;
  return false;
}
