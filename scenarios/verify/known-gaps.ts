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
  // #473's searched form: a merge racing its source's writes, or another process's recovery of
  // its sidecar (B6, open on upstream), meets a registration already published.
  { scenario: "net-zero-merge", check: "closed on seed+fix517", why: "a merge racing another process's recovery of its sidecar (B6) publishes a registration that recovery already published: the same \"table version N already exists\", which #517 does not close" },
  { scenario: "net-zero-merge", check: "searched green on upstream", why: "a merge that plans while a write on its source is publishing meets a registration already stored (\"table version N already exists\") with #517 on: untriaged against upstream" },
  // Branches: a fast-forward into a branch that does not own a table registers the adopted state at
  // the source's Lance version, which the target's manifest may hold already (docs/fidelity.md, D8).
  { scenario: "child-branch-unreadable", check: "searched green on fixed", why: "a fast-forward between main and b0 re-registers node:Person at a version the target's manifest already holds (ConcurrentModification \"table version N already exists\"); upstream reworked table registrations after the seed (#630, #686); no flag yet" },
  // B4's world: a stale strict update acknowledged although another handle wrote Person since.
  { scenario: "strict-write-after-optimize", check: "no unknown bug on seed", why: "a stale strict update succeeds after another handle's logical write (stale-write-succeeded), seen since keyed writes became staged merge-inserts: untriaged" },
  { scenario: "strict-write-after-optimize", check: "closed on seed+probeOnWrite+opClassPrecondition", why: "the same stale-write-succeeded, untriaged" },
  // Writes that read the schema contract while an apply renames its three files.
  { scenario: "schema-lock-wedge", check: "no unknown bug on seed", why: "a write that validates the schema contract while an apply renames its staging files fails SchemaContractInvalid, or with a raw StorageError: untriaged" },
  { scenario: "schema-lock-wedge", check: "closed on seed+ownerLease", why: "the schema-rename race of a concurrent write (SchemaContractInvalid) persists without completeStagingPromotion's lease-held validation" },
  { scenario: "partial-staging-promotion", check: "no unknown bug on seed", why: "the same schema-rename race: a write validating the contract between an apply's renames fails SchemaContractInvalid: untriaged" },
  { scenario: "partial-staging-promotion", check: "closed on seed+completeStagingPromotion", why: "the same schema-rename race of a concurrent write (SchemaContractInvalid), which completeStagingPromotion does not close" },
  // Init scenarios (#495, #483) from before the fault plan.
  { scenario: "init-cleanup-deletes-graph", check: "searched is a search on seed", why: "the searched form still arms init's failpoints itself; its operators should be faultable by the fault plan instead" },
];

/** The known gap a check's failure is, if any. */
export function gapOf(scenario: string, r: Pick<CheckResult, "check">): Gap | undefined {
  return KNOWN_GAPS.find((g) => g.scenario === scenario && (g.check.endsWith("*") ? r.check.startsWith(g.check.slice(0, -1)) : g.check === r.check));
}
