// Which cells a hunt runs by default and what each expects, and which single violation fails a
// cell: shared by `omnisim hunt` and `npm run mutants` (whose kill rule is "the default hunt
// would fail a cell in this universe"), so the two cannot drift apart.
import { PROFILES, type Fixes, type ProfileName } from "../../engine/fixes.ts";
import type { Violation } from "../../sim/violations.ts";
import { closingValue, isClaimed, redOnUpstream, type ScenarioClaim } from "../claims.ts";
import type { Scenario } from "../types.ts";
import { knownOpenBug } from "./checks.ts";

export type Expectation = "red" | "green" | "any";

/**
 * A hunt's default profiles for a claim: a bug on its red profile, `upstream` and `fixed`; a
 * workload on its red profile and `fixed`; a control on `seed` and `fixed`. Each once: a bug
 * whose red profile is `upstream` has two cells, not the same cell twice.
 */
export function defaultHuntProfiles(claim: ScenarioClaim): readonly ProfileName[] {
  const wanted: ProfileName[] = claim.kind === "bug" ? [claim.redProfile, "upstream", "fixed"] : claim.kind === "workload" ? [claim.redProfile, "fixed"] : ["seed", "fixed"];
  return [...new Set(wanted)];
}

/**
 * What a scenario's claim expects on a profile: red where the bug lives (its red profile, and
 * `upstream` when upstream lacks a closing flag), green on `fixed` (and everywhere for a control),
 * and on any other profile green when every closing flag is on there, else either way.
 */
export function expectOn(claim: ScenarioClaim, p: ProfileName): Expectation {
  if (claim.kind === "control" || p === "fixed") return "green";
  if (p === claim.redProfile) return "red";
  if (claim.kind === "workload") return "any";
  if (p === "upstream") return redOnUpstream(claim) ? "red" : "green";
  return claim.closedBy.every((f) => PROFILES[p][f] === closingValue(f)) ? "green" : "any";
}

/**
 * Whether one violation of a universe (`all` its violations) fails a hunt cell on its own, as
 * `cellHolds` judges a cell: on a control any violation; where the cell expects green, its own
 * claimed symptom or an unknown bug; where it expects red (or either), only an unknown bug
 * (another scenario's open bug on `fixes` is reported, not held against the cell). On `fixed`
 * no bug is open, so every violation fails its cell.
 */
export function failsCell(s: Scenario, expect: Expectation, fixes: Fixes, v: Violation, all: readonly Violation[]): boolean {
  if (s.claim.kind === "control") return true;
  const own = isClaimed(s.claim, v, all);
  if (expect === "green" && own) return true;
  return !own && !knownOpenBug(v, all, fixes, s);
}
