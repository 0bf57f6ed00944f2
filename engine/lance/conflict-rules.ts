// Section 10.2's rules for a dataset commit built on a stale read version, which the adapter
// applies to its op log before LanceDB commits on HEAD (LanceDB itself would rebase the stale
// writer silently, or retry it). The rules and the footprint decisions are the virtual store's
// (sim/store/conflicts.ts); the fragment ids are Lance's real ones, read through `_rowid`.
import type { LanceOp } from "../storage/types.ts";
import { incompatible, retryable } from "./errors.ts";
import type { OpLogEntry } from "./op-log.ts";

/** Transactions that rewrite rows in existing fragments: they collide on a shared fragment. */
const ROW_REWRITERS: ReadonlySet<LanceOp> = new Set<LanceOp>(["Update", "Delete", "Rewrite"]);

/** Transactions that replace the whole dataset: nothing built on an older version survives them. */
const REPLACERS: ReadonlySet<LanceOp> = new Set<LanceOp>(["Overwrite", "Restore"]);

export interface StaleFootprint {
  readonly op: LanceOp;
  /**
   * Update and Delete: the fragments they touch at HEAD (they are re-run there, as LanceDB
   * re-runs them). Rewrite: its read version's fragments too, since a compaction plan is not
   * re-planned.
   */
  readonly touched: ReadonlySet<number>;
}

/** Throws the error Lance raises for `ours` over the first incompatible intervening version. */
export function checkStaleCommit(ours: StaleFootprint, intervening: readonly OpLogEntry[]): void {
  for (const theirs of intervening) {
    if (REPLACERS.has(theirs.op) || ours.op === "Overwrite") throw incompatible(ours.op, theirs.op, theirs.version);
    const shared = theirs.touched.some((fragment) => typeof fragment === "number" && ours.touched.has(fragment));
    if (ROW_REWRITERS.has(ours.op) && ROW_REWRITERS.has(theirs.op) && shared) throw retryable(ours.op, theirs.op, theirs.version);
    // Append and Merge add rows and rebase over anything else; CreateIndex, ReserveFragments
    // and UpdateConfig change no rows; row rewriters on disjoint fragments do not meet.
  }
}
