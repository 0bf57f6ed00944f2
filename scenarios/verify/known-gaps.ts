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
];

/** The known gap a check's failure is, if any. */
export function gapOf(scenario: string, r: Pick<CheckResult, "check">): Gap | undefined {
  return KNOWN_GAPS.find((g) => g.scenario === scenario && (g.check.endsWith("*") ? r.check.startsWith(g.check.slice(0, -1)) : g.check === r.check));
}
