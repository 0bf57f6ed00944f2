// Lance's conflict rules for a transaction committed on a stale read version (engine-model
// section 10.2). The rule is part of the storage seam's contract and lives there
// (engine/storage/conflict-rule.ts), shared with the Lance backend; the virtual store applies
// it to its own versions, whose `touched` sets are its fragment ids.
export {
  checkStaleCommit as checkRebase,
  staleFootprint as footprintOf,
  type InterveningCommit as CommittedTransaction,
  type StaleFootprint as TransactionFootprint,
} from "../../engine/storage/conflict-rule.ts";
