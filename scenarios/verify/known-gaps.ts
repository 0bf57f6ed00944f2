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
  // B4's shape that Design A does not reach without the lease: the compaction is committed but
  // not yet published when the write checks, so HEAD is ahead of the pin.
  { scenario: "optimize-vs-write", check: "the fix holds alone on fixed-ownerLease", why: "a delete that stages while another process's optimize has committed but not yet published meets HEAD ahead of the pin (spurious-conflict, ExpectedVersionMismatch; seed 186 with the portfolio, 259 with the random strategy): without the lease nothing orders the two" },
  // Found by the swarm knob in the claims suite (400 universes a check): each is a fault at a
  // failpoint in a process the scenario does not mark crashable (an error, never a crash), which
  // these checks never saw before the knob.
  { scenario: "empty-delete-drift", check: "closed on seed+fix308", why: "B8's road to B11's symptom (inline-delete-crash's claim, closed by stagedDeletes): the seed's inline delete commits before its sidecar, and an error injected after it (mutation.post_stage_pre_effect_gate) leaves drift no sidecar covers (drift-after-recovery, 17 of 400 universes, first seed 11); the claim's attribution counts only fix308" },
  { scenario: "empty-delete-drift", check: "the fix holds alone on fixed-stagedDeletes", why: "the same B8 road without stagedDeletes (19 of 400 universes, first seed 11). Triaged on the same road, seed 182: a delete's inline commits land before its sidecar and before it takes the lease; holding the lease, its recovery finds a published write's leftover sidecar (its delete had failed) under that foreign HEAD and restores the table (recovery-wrong-decision), and the delete, run again on the restored view, meets its own earlier inline commit on edge:Knows (spurious-conflict, ExpectedVersionMismatch) and leaves drift (drift-after-recovery); stagedDeletes commits nothing before the sidecar" },
  // B6's road in another scenario, met once the schedules moved (the Note type, the swarm knob).
  // (Its twin on `upstream+provenRollForward`, seed 63, stopped showing within the budget once
  // `upstream`'s schedules moved with its write barrier.)
  { scenario: "uncommitted-optimize-audited-forward", check: "the fix holds alone on fixed-ownerLease", why: "B6's road (triaged, closed by ownerLease) without the lease (seed 63): the writer's write-time heal lists the optimizer's sidecar while the optimizer still commits, rolls it forward and audits it, and the optimizer commits again before it crashes: the audit claims commits the publish did not carry (audit-mismatch, with drift-after-recovery and DriftAhead); provenRollForward proves the roll-forward at the moment it reads, the lease alone keeps a live committer's sidecar away" },
];

/** The known gap a check's failure is, if any. */
export function gapOf(scenario: string, r: Pick<CheckResult, "check">): Gap | undefined {
  return KNOWN_GAPS.find((g) => g.scenario === scenario && (g.check.endsWith("*") ? r.check.startsWith(g.check.slice(0, -1)) : g.check === r.check));
}
