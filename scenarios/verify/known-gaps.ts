// Claims that do not hold yet: each check of the claims suite (scenarios/verify/checks.ts)
// that fails today, with the reason. The suite (test/scenarios/claims-suite.ts) asserts that
// each still fails, so a change that closes a gap turns its test red until the entry is
// removed: a gap can neither hide nor outlive its fix. (A gap found by search can also stop
// showing within the budget when a change moves the seeds; then too the entry goes, and the
// bug, if it is real, deserves a scenario of its own.) `omnisim claims` prints them as such.
import type { CheckResult } from "./checks.ts";

export interface Gap {
  readonly scenario: string;
  /** The check's name, as `CheckResult.check` gives it, or a prefix of names ending in `*`. */
  readonly check: string;
  readonly why: string;
}

export const KNOWN_GAPS: readonly Gap[] = [
  // B4's world: a stale strict update acknowledged although another handle wrote Person since.
  { scenario: "strict-write-after-optimize", check: "no unknown bug on seed", why: "a stale strict update succeeds after another handle's logical write whose sidecar delete failed (stale-write-succeeded, seed 314): the write's heal refreshes the handle's view before the strict check, as the seed's heal_pending_sidecars_roll_forward does (docs/fixes.md, B4); Design A's probeOnWrite judges the view from before the heal" },
  // Found by the oracles of issue 9 item 4 (real bugs of the model's engine, for triage). G1, a
  // schema apply recovered across two passes, is closed by #346 (`fix346`, scenario
  // schema-apply-two-pass); G2, the stale-sidecar rule's roll-forward of a writer that never
  // committed, is F14 (`provenRollForward`, scenario uncommitted-optimize-audited-forward); B4
  // outside its scenario (a compaction failing a strict write: spurious-conflict) is in B4's claim.
  // Branches, on fixed (G3 and G4, which this entry listed before, are closed), triaged.
  { scenario: "random-workload-branches", check: "searched green on fixed", why: "a few universes fail in branch code (6 of 1,000 with the random strategy, first seed 49; the oracles' false reds and the raw storage errors of a branch deleted under an operation are closed): a sidecar of a write on a deleted branch classified against a new branch of the same name (RecoveryInvariantViolation at open or in a heal, seeds 87, 649, 652; upstream's #343 heals and refuses before a branch create), a crash inside branch create between the manifest branch and its commit-graph branch (open-failed BranchNotFound, seed 325; the seed's two-step create), an optimize publishing through the coordinator a merge on the same handle swapped (maintenance-failed ExpectedVersionMismatch, seed 49; upstream publishes through db.coordinator too), a dangling edge on b0 (seed 689, untriaged)" },
  // B4's shape that Design A does not reach without the lease: the compaction is committed but
  // not yet published when the write checks, so HEAD is ahead of the pin.
  { scenario: "optimize-vs-write", check: "the fix holds alone on fixed-ownerLease", why: "a delete that stages while another process's optimize has committed but not yet published meets HEAD ahead of the pin (spurious-conflict, ExpectedVersionMismatch; seed 186 with the portfolio, 259 with the random strategy): without the lease nothing orders the two" },
  // schema-apply-two-pass).
  // G2, the stale-sidecar rule (all tables NoMovement and a pin past the sidecar's expected
  // version: "a previous roll-forward published") audits RolledForward a writer that never
  // committed, whose pin another writer moved since (audit-mismatch).
  { scenario: "strict-write-after-optimize", check: "no unknown bug on upstream", why: G2 },
  { scenario: "strict-write-after-optimize", check: "closed on seed+probeOnWrite+opClassPrecondition", why: G2 },
  // The same findings in the scenarios of F4-F6 and in the checks the F4/F5 triage closed (their
  // earlier gaps hid them): G2 where recovery rolls a sidecar forward over another operation's
  // commit, B4 where opClassPrecondition is off.
  { scenario: "optimize-vs-write", check: "no unknown bug on regress-297", why: `${G2}; ${B4}` },
  { scenario: "optimize-vs-write", check: "closed on regress-297+fix297", why: `${G2}; ${B4}` },
  { scenario: "optimize-vs-write", check: "the fix holds alone on fixed-ownerLease", why: `${G2}; and a delete that stages while another process's optimize has committed but not yet published meets HEAD ahead of the pin (spurious-conflict, ExpectedVersionMismatch; seed 259 with the random strategy): without the lease nothing orders the two` },
  { scenario: "optimize-vs-write", check: "no unknown bug on upstream", why: `${G2}; ${B4}` },
  { scenario: "optimize-head-behind-pin", check: "no unknown bug on seed", why: `${G2}; ${B4}` },
  { scenario: "optimize-head-behind-pin", check: "closed on seed+pinBeforeHead", why: `${G2}; ${B4}` },
  { scenario: "optimize-head-behind-pin", check: "the fix holds alone on fixed-ownerLease", why: G2 },
  { scenario: "optimize-head-behind-pin", check: "no unknown bug on upstream", why: G2 },
  { scenario: "rebased-commit-published", check: "the fix holds alone on fixed-ownerLease", why: G2 },
];

/** The known gap a check's failure is, if any. */
export function gapOf(scenario: string, r: Pick<CheckResult, "check">): Gap | undefined {
  return KNOWN_GAPS.find((g) => g.scenario === scenario && (g.check.endsWith("*") ? r.check.startsWith(g.check.slice(0, -1)) : g.check === r.check));
}
