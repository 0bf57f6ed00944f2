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
  // Two opens racing to roll back one sidecar: the RollBack arm has no #296 convergence, so the
  // loser's publish fails its open with ExpectedVersionMismatch and its Restore leaves drift.
  { scenario: "open-sweep-cas-race", check: "no unknown bug on seed", why: "the roll-back twin of B1 (two opens roll one sidecar back; the loser's open fails and leaves drift) has no scenario yet" },
  { scenario: "open-sweep-cas-race", check: "closed on seed+fix296", why: "the roll-back twin of B1 persists with #296, which converges roll-forwards only" },
  { scenario: "sweep-discards-live-sidecar", check: "no unknown bug on seed", why: "the roll-back twin of B1 (an opener's open fails ExpectedVersionMismatch and leaves drift)" },
  { scenario: "schema-staging-promotion", check: "no unknown bug on seed", why: "the roll-back twin of B1 (an opener's open fails ExpectedVersionMismatch and leaves drift)" },
  // The #297 optimize: a write that lands between plan() and freshPin() fails it HeadBehindManifest.
  { scenario: "optimize-vs-write", check: "no unknown bug on regress-297", why: "the #297 plan()/freshPin() window (HeadBehindManifest), and a Lance conflict surfacing from the pre-#297 optimize: untriaged against upstream" },
  { scenario: "optimize-vs-write", check: "closed on regress-297+fix297", why: "the #297 plan()/freshPin() window: optimize fails HeadBehindManifest when a write lands between its plan and its fresh pin read" },
  { scenario: "optimize-vs-write", check: "no unknown bug on upstream", why: "the #297 plan()/freshPin() window, on upstream too" },
  { scenario: "optimize-vs-write", check: "searched green on fixed", why: "a writer's recovery deletes a sidecar of optimize (which now optimizes tables as concurrent actors) while optimize runs: the ownership oracle's per-operation view of optimize's per-table sidecars, or a real race; untriaged" },
  // B4's world: a stale strict update acknowledged although another handle wrote Person since.
  { scenario: "strict-write-after-optimize", check: "no unknown bug on seed", why: "a stale strict update succeeds after another handle's logical write (stale-write-succeeded), seen since keyed writes became staged merge-inserts: untriaged" },
  { scenario: "strict-write-after-optimize", check: "closed on seed+probeOnWrite+opClassPrecondition", why: "the same stale-write-succeeded, untriaged" },
  // B6 with the lease on: an open still deletes a live optimize's sidecar in 2 of 400 universes.
  { scenario: "sweep-discards-live-sidecar", check: "closed on seed+ownerLease", why: "live-sidecar-deleted with ownerLease on but the other fixed flags off (seen since optimize runs tables as concurrent actors): untriaged" },
  // A delete's cascade and a concurrent edge insert: an edge published whose endpoint is gone.
  { scenario: "inline-delete-crash", check: "no unknown bug on seed", why: "a node delete races a concurrent edge insert and a published snapshot holds a dangling edge: untriaged" },
  // Writes that read the schema contract while an apply renames its three files.
  { scenario: "schema-lock-wedge", check: "no unknown bug on seed", why: "a write that validates the schema contract while an apply renames its staging files fails SchemaContractInvalid, or with a raw StorageError: untriaged" },
  { scenario: "schema-lock-wedge", check: "closed on seed+ownerLease", why: "the schema-rename race of a concurrent write (SchemaContractInvalid) persists without completeStagingPromotion's lease-held validation" },
  // Init scenarios (#495, #483) from before the fault plan.
  { scenario: "init-cleanup-deletes-graph", check: "searched is a search on seed", why: "the searched form still arms init's failpoints itself; its operators should be faultable by the fault plan instead" },
  { scenario: "torn-init-unstamped", check: "searched green on *", why: "the fault plan crashes init before its commit point, and the restart's open of a root no init completed fails with a raw StorageError: needs #502's typed not-found and an oracle rule for a graph that was never initialized" },
];

/** The known gap a check's failure is, if any. */
export function gapOf(scenario: string, r: Pick<CheckResult, "check">): Gap | undefined {
  return KNOWN_GAPS.find((g) => g.scenario === scenario && (g.check.endsWith("*") ? r.check.startsWith(g.check.slice(0, -1)) : g.check === r.check));
}
