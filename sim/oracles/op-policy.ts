// Every operation ends the way its kind allows: errors outside the allowed set are bugs (a
// spurious storage error, a wedged write, a failed open), and a scenario's must-succeed and
// must-fail demands hold.
import type { OmniErrorKind } from "../../engine/errors.ts";
import { FP, type FailpointName } from "../../failpoints/catalog.ts";
import type { TraceEvent } from "../trace.ts";
import type { JudgeContext } from "./context.ts";
import type { Violation, ViolationKind } from "../violations.ts";
import { type OpKind, type OpRecord, violationOp } from "./history.ts";

/** What a logical write (a mutation or a load) may fail with on any correct engine. */
const WRITE_ERRORS: readonly OmniErrorKind[] = [
  "ExpectedVersionMismatch",
  "CardinalityViolation",
  "MissingEndpoint",
  "InjectedFailure",
  "SchemaApplyLocked",
  "ReadSetChanged",
  "LanceCommitConflict",
  // A commit that landed rebased over another writer's unpublished commit is left to recovery
  // (RFC-022's exact commit, `exactCommit`): a typed refusal, never a publish.
  "RecoveryRequired",
];

/** Errors an operation of each kind may end with on any correct engine. */
const ALLOWED: Record<OpKind, readonly OmniErrorKind[]> = {
  mutate: WRITE_ERRORS,
  load: WRITE_ERRORS,
  open: ["InjectedFailure"],
  // Main advanced under the apply: its own check (SchemaApplyLeaseLost) or, under `readSetToken`,
  // its publish's expectation of the graph head it captured (ReadSetChanged; upstream's
  // `manifest_read_set_changed`, schema_apply.rs at 62a9c3fe).
  schemaApply: ["SchemaApplyLocked", "SchemaApplyLeaseLost", "ReadSetChanged", "InjectedFailure", "ExpectedVersionMismatch", "LanceCommitConflict"],
  optimize: ["RecoveryRequired", "SchemaApplyLocked", "InjectedFailure"],
  // RFC-022's write barrier (`writeBarrier`): a pending intent on main refuses it, typed.
  ensureIndices: ["SchemaApplyLocked", "InjectedFailure", "RecoveryRequired"],
  refresh: ["InjectedFailure"],
  read: ["InjectedFailure"],
  // A name another actor took or freed first, a branch still forked from, a bound branch; and
  // (RFC-022's barrier, `branchRecoveryBarrier`) a sidecar of the new branch's name still pending.
  branchCreate: ["BranchConflict", "BranchNotFound", "InjectedFailure", "SchemaApplyLocked", "RecoveryRequired"],
  branchDelete: ["BranchConflict", "BranchNotFound", "InjectedFailure", "SchemaApplyLocked"],
  // Conflicts a three-way merge finds (`@card` and orphan edges among them), and what a write's
  // publish may meet on the target.
  branchMerge: ["MergeConflicts", "BranchNotFound", ...WRITE_ERRORS],
  cleanup: ["InjectedFailure", "SchemaApplyLocked"],
};

/**
 * Typed refusals the engine gives for an error injected at a failpoint it does not let through:
 * a write whose orphaned-fork check could not read fresh manifest authority (`classify.fresh_read`)
 * refuses with a retryable conflict, never reclaims (upstream's `reclaim_orphaned_fork_and_refork`,
 * `table_ops.rs` at 62a9c3fe; its test `recreate_over_orphaned_fork_reports_indeterminate_authority_read`).
 * Allowed only to an operation whose own actor that failpoint failed inside its window.
 */
const REFUSALS_OF_INJECTED: readonly { readonly failpoint: FailpointName; readonly errorKind: OmniErrorKind }[] = [{ failpoint: FP.CLASSIFY_FRESH_READ, errorKind: "BranchConflict" }];

/** Whether a failpoint injected an error into `op`'s own actor inside its window, and it refused as the engine documents. */
function refusedInjected(events: readonly TraceEvent[], op: OpRecord): boolean {
  const refusals = REFUSALS_OF_INJECTED.filter((r) => r.errorKind === op.errorKind);
  if (refusals.length === 0 || op.end === null) return false;
  for (let i = op.start; i < op.end && i < events.length; i++) {
    const ev = events[i]!;
    if (ev.e === "failpoint" && ev.actor === op.actor.name && ev.decision === "error" && refusals.some((r) => r.failpoint === ev.name)) return true;
  }
  return false;
}

/** The violation an unexpected error stands for. */
function classify(op: OpRecord): ViolationKind {
  switch (op.errorKind) {
    case "DriftAhead":
      return "wedged-write";
    case "StorageFailure":
      return "spurious-storage-failure";
    default:
      return op.kind === "open" ? "open-failed" : op.kind === "optimize" || op.kind === "ensureIndices" ? "maintenance-failed" : "unexpected-error";
  }
}

/**
 * Whether a failed operation's error is one op-policy raises a violation for (outside what its
 * kind and its scenario allow, no must-fail demand met): then the failure is judged, by a
 * violation or by the faults judge's excuse, whatever the script does after it.
 */
export function failureIsJudged(op: OpRecord): boolean {
  // An injected failpoint error, or a refusal of one, may be excused without a trace of it here.
  if (op.status !== "err" || op.errorKind === "InjectedFailure" || REFUSALS_OF_INJECTED.some((r) => r.errorKind === op.errorKind)) return false;
  if (op.expect.mustSucceed) return true;
  if (op.expect.mustFail) return false;
  return ![...ALLOWED[op.kind], ...(op.expect.allow ?? [])].includes(op.errorKind as OmniErrorKind);
}

export function operationsEndAsAllowed(ctx: Pick<JudgeContext, "history" | "events">): Violation[] {
  const out: Violation[] = [];
  for (const op of ctx.history.ops) {
    const e = op.expect;
    // A fault the harness injected into this very operation excuses it from any demand.
    const injected = op.status === "err" && (op.errorKind === "InjectedFailure" || refusedInjected(ctx.events, op));
    if (e.mustSucceed && op.status === "err" && !injected) {
      out.push({ kind: e.mustSucceed.violation, message: `${op.label} failed with ${op.errorKind}: ${op.errorMessage} (${e.mustSucceed.why})`, ...about(op) });
      continue;
    }
    if (e.mustFail && op.status === "ok") {
      out.push({ kind: e.mustFail.violation, message: `${op.label} succeeded, but ${e.mustFail.why}`, op: violationOp(op) });
      continue;
    }
    if (e.mustFail && op.status === "err" && op.errorKind !== e.mustFail.kind && !injected) {
      out.push({ kind: e.mustFail.violation, message: `${op.label} failed with ${op.errorKind}, not ${e.mustFail.kind} (${e.mustFail.why})`, ...about(op) });
      continue;
    }
    if (op.status !== "err" || e.mustFail) continue;
    const allowed = [...ALLOWED[op.kind], ...(e.allow ?? [])];
    if (allowed.includes(op.errorKind as OmniErrorKind) || injected) continue;
    out.push({ kind: classify(op), message: `${op.label} failed with ${op.errorKind}: ${op.errorMessage}`, ...about(op) });
  }
  return out;
}

/** The operation, its error kind and (when the error names one) its table. */
function about(op: OpRecord): Pick<Violation, "op" | "errorKind" | "table"> {
  return {
    op: violationOp(op),
    ...(op.errorKind ? { errorKind: op.errorKind } : {}),
    ...(op.errorTable ? { table: op.errorTable } : {}),
  };
}
