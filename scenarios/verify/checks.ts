// The claims suite: every part of a scenario's claim as a check that can fail. `npm test` runs
// them all (test/scenarios/claims.test.ts); `hunt` runs the search checks over its budget.
//
// For a bug:
// - the scripted form on the red profile shows only the claimed symptom, and passes on `fixed`;
// - the searched form finds the claimed symptom within the budget (other violations found on
//   the way are reported as other bugs and do not count);
// - the searched form is a search: at least MIN_DISTINCT distinct executions, not every
//   universe fails, and no failpoint armed by the scenario itself;
// - the red profile plus the closing flags never shows the symptom, and anything else it shows
//   is a known open bug (another scenario's claim whose fix is off there);
// - `fixed` without the closing flags shows the symptom (without the masks too, when declared);
// - `fixed` without each declared mask is green by the closing fix alone: the symptom never
//   shows, and anything else it shows is another scenario's bug that the mask closes;
// - `fixed` is green over the budget; `upstream` is red exactly when it lacks a closing flag.
// For a control: green on every profile. For a workload: red on its profile, green on `fixed`.
import { type Fixes, PROFILE_NAMES, PROFILES, type ProfileName } from "../../engine/fixes.ts";
import { portfolio } from "../../sim/strategies/portfolio.ts";
import { estimatePctBounds } from "../../sim/strategies/pct-bounds.ts";
import { runUniverse, type StrategyFactory } from "../../sim/universe.ts";
import { signatureOf, type Violation } from "../../sim/violations.ts";
import { type BugClaim, isClaimed, redOnUpstream, showsSymptom } from "../claims.ts";
import { SCENARIOS } from "../registry.ts";
import { formSpec, type Scenario } from "../types.ts";
import { closedProfile, flagsLabel, openedProfile, withFlags } from "./profiles.ts";
import { type SearchTally, tallySearch } from "./tally.ts";

/** A searched form must run at least this many distinct executions over its budget. */
export const MIN_DISTINCT = 50;

export interface CheckResult {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
}

const pass = (check: string, detail: string): CheckResult => ({ check, ok: true, detail });
const fail = (check: string, detail: string): CheckResult => ({ check, ok: false, detail });

function describe(vs: readonly Violation[]): string {
  return vs.length === 0 ? "no violation" : vs.map(signatureOf).join("; ");
}

/** The portfolio (hunt's default) for one scenario form and profile. */
export async function portfolioFor(s: Scenario, fixes: Fixes): Promise<(seed: number) => StrategyFactory> {
  const bounds = await estimatePctBounds(formSpec(s, "searched"), fixes);
  return portfolio(bounds.stepBound);
}

export async function tally(s: Scenario, fixes: Fixes, budget: number, stopAtClaim: boolean): Promise<SearchTally> {
  return tallySearch({
    spec: formSpec(s, "searched"),
    fixes,
    budget,
    strategyFor: await portfolioFor(s, fixes),
    isClaimed: (v, all) => isClaimed(s.claim, v, all),
    stopAtClaim,
  });
}

function summary(t: SearchTally): string {
  const others = t.others.map((o) => `${o.signature} x${o.count} (first seed ${o.seed})`).join("; ");
  return `${t.universes} universes, ${t.failing} failing, ${t.claimed} with the claimed symptom${t.firstClaimed ? ` (first seed ${t.firstClaimed.seed})` : ""}, ${t.distinctExecutions} distinct executions${others ? `; other bugs: ${others}` : ""}`;
}

/**
 * Whether a search cell holds (hunt's cells, merged shards): a red one showed its own symptom,
 * a green one did not; and another scenario's open bug found on the way is reported, not held
 * against the cell, while an unknown one always is (on `fixed` every bug is closed, so any
 * violation is unknown).
 */
export function cellHolds(expectRed: boolean, claimed: number, others: readonly { known: boolean }[]): boolean {
  return (expectRed ? claimed > 0 : claimed === 0) && others.every((o) => o.known);
}

/**
 * Whether `v`, met in a universe with `all` violations, is a known open bug on `fixes`: another
 * scenario's claimed symptom whose fix is not fully on there.
 */
export function knownOpenBug(v: Violation, all: readonly Violation[], fixes: Fixes, except: Scenario): boolean {
  return SCENARIOS.some((t) => {
    if (t === except || t.claim.kind !== "bug") return false;
    const claim = t.claim;
    const open = claim.closedBy.some((f) => fixes[f] !== PROFILES.fixed[f]);
    return open && claim.symptoms.some((sym) => showsSymptom(v, sym, all));
  });
}

export async function scriptedChecks(s: Scenario): Promise<CheckResult[]> {
  if (!s.scripted) return [];
  const claim = s.claim;
  const spec = formSpec(s, "scripted");
  const out: CheckResult[] = [];
  const profiles: ProfileName[] = claim.kind === "control" ? PROFILE_NAMES : [claim.redProfile, "fixed"];
  for (const p of profiles) {
    const r = await runUniverse({ spec, seed: 1, fixes: PROFILES[p] });
    const expectRed = claim.kind !== "control" && p === claim.redProfile;
    const name = `scripted ${expectRed ? "red" : "green"} on ${p}`;
    if (!expectRed) out.push(r.violations.length === 0 ? pass(name, "no violation") : fail(name, describe(r.violations)));
    else {
      const all = r.violations.length > 0 && r.violations.every((v) => isClaimed(claim, v, r.violations));
      out.push(all ? pass(name, describe(r.violations)) : fail(name, `expected only the claimed symptom, got ${describe(r.violations)}`));
    }
  }
  return out;
}

/** The searched form on its red profile: finds the claim, and is a search. */
export async function searchedRedChecks(s: Scenario, budget: number): Promise<{ results: CheckResult[]; tally: SearchTally } | null> {
  if (s.claim.kind === "control") return null;
  const t = await tally(s, PROFILES[s.claim.redProfile], budget, false);
  const on = s.claim.redProfile;
  const results = [
    t.claimed > 0 ? pass(`searched finds the claimed symptom on ${on}`, summary(t)) : fail(`searched finds the claimed symptom on ${on}`, summary(t)),
  ];
  const problems: string[] = [];
  if (t.distinctExecutions < Math.min(MIN_DISTINCT, budget)) problems.push(`only ${t.distinctExecutions} distinct executions`);
  if (t.failing === t.universes) problems.push("every universe fails");
  if (t.scriptArmed.length > 0) problems.push(`the scenario arms failpoints itself: ${t.scriptArmed.join(", ")}`);
  results.push(problems.length ? fail(`searched is a search on ${on}`, problems.join("; ")) : pass(`searched is a search on ${on}`, `${t.distinctExecutions} distinct executions, ${t.universes - t.failing} passing universes`));
  results.push(unknownBugsCheck(s, t, PROFILES[on], on));
  return { results, tally: t };
}

/** Every other violation a search met is another scenario's open bug on that profile. */
function unknownBugsCheck(s: Scenario, t: SearchTally, fixes: Fixes, on: string): CheckResult {
  const unknown = t.others.filter((o) => !knownOpenBug(o.violation, o.universe, fixes, s));
  const name = `no unknown bug on ${on}`;
  return unknown.length === 0
    ? pass(name, `${t.others.length} other bug(s), all claimed by other scenarios`)
    : fail(name, unknown.map((o) => `${o.signature} x${o.count} (first seed ${o.seed})`).join("; "));
}

/** The attribution checks of a bug claim. */
export async function attributionChecks(s: Scenario, claim: BugClaim, budget: number): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const closed = closedProfile(claim);
  const c = await tally(s, closed.fixes, budget, false);
  const unknown = c.others.filter((o) => !knownOpenBug(o.violation, o.universe, closed.fixes, s));
  const closedName = `closed on ${closed.label}`;
  if (c.claimed > 0) out.push(fail(closedName, `the claimed symptom persists: ${summary(c)}`));
  else if (unknown.length > 0) out.push(fail(closedName, `unexplained violations: ${unknown.map((o) => `${o.signature} (seed ${o.seed})`).join("; ")}`));
  else out.push(pass(closedName, summary(c)));
  const maskFlags = (claim.masks ?? []).flatMap((m) => m.flags);
  const opened = openedProfile(claim, maskFlags);
  const o = await tally(s, opened.fixes, budget, true);
  const openedName = `red on ${opened.label}`;
  out.push(o.claimed > 0 ? pass(openedName, summary(o)) : fail(openedName, `the fix carries no weight alone: ${summary(o)}`));
  return out;
}

/**
 * Each fix carries its own weight: `fixed` without a declared mask (the closing flags still on)
 * never shows the claimed symptom, and whatever else it shows is another scenario's open bug,
 * one that the mask (the only flags off) closes. A mask may hide the bug when the fix is off;
 * it may not be what makes the fixed engine green.
 */
export async function maskChecks(s: Scenario, claim: BugClaim, budget: number): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const mask of claim.masks ?? []) {
    const fixes = withFlags(PROFILES.fixed, mask.flags, false);
    const name = `the fix holds alone on ${flagsLabel("fixed", mask.flags, false)}`;
    const t = await tally(s, fixes, budget, false);
    const unknown = t.others.filter((o) => !knownOpenBug(o.violation, o.universe, fixes, s));
    if (t.claimed > 0) out.push(fail(name, `the claimed symptom shows without the mask: ${summary(t)}`));
    else if (unknown.length > 0) out.push(fail(name, `violations no bug the mask closes explains: ${unknown.map((o) => `${o.signature} (seed ${o.seed})`).join("; ")}`));
    else out.push(pass(name, summary(t)));
  }
  return out;
}

/** Green over the budget on `profile` (every violation counts). */
export async function greenCheck(s: Scenario, profile: ProfileName, budget: number): Promise<CheckResult> {
  const t = await tally(s, PROFILES[profile], budget, false);
  const name = `searched green on ${profile}`;
  return t.failing === 0 ? pass(name, `${t.universes} universes, ${t.distinctExecutions} distinct executions`) : fail(name, summary(t));
}

/** `upstream` is red exactly when it lacks one of the closing flags, and shows no unknown bug. */
export async function upstreamChecks(s: Scenario, claim: BugClaim, budget: number): Promise<CheckResult[]> {
  const expectRed = redOnUpstream(claim);
  const t = await tally(s, PROFILES.upstream, budget, expectRed);
  const name = `searched ${expectRed ? "red" : "green"} on upstream`;
  const verdict = expectRed
    ? t.claimed > 0
      ? pass(name, summary(t))
      : fail(name, summary(t))
    : t.claimed === 0
      ? pass(name, summary(t))
      : fail(name, `the claimed symptom shows on upstream, whose flags close it: ${summary(t)}`);
  return [verdict, unknownBugsCheck(s, t, PROFILES.upstream, "upstream")];
}

/** A named set of checks of one scenario's claim, run together (one vitest test, one CLI block). */
export interface CheckGroup {
  readonly name: string;
  run(): Promise<CheckResult[]>;
}

/** Every check of `s`'s claim, in groups, each searched check over `budget` universes. */
export function claimCheckGroups(s: Scenario, budget: number): CheckGroup[] {
  const claim = s.claim;
  const groups: CheckGroup[] = [];
  if (s.scripted) groups.push({ name: "scripted form", run: () => scriptedChecks(s) });
  if (claim.kind !== "control") {
    groups.push({ name: `searched form finds its own symptom on ${claim.redProfile}, and searches`, run: async () => (await searchedRedChecks(s, budget))!.results });
  }
  if (claim.kind === "bug") {
    groups.push({ name: `attribution (closed by ${claim.closedBy.join(", ")})`, run: () => attributionChecks(s, claim, budget) });
    if (claim.masks?.length) groups.push({ name: `the fix alone (without ${claim.masks.flatMap((m) => m.flags).join(", ")})`, run: () => maskChecks(s, claim, budget) });
    groups.push({ name: "upstream", run: () => upstreamChecks(s, claim, budget) });
  }
  const greenOn: readonly ProfileName[] = claim.kind === "control" ? PROFILE_NAMES : ["fixed"];
  for (const p of greenOn) groups.push({ name: `searched green on ${p}`, run: async () => [await greenCheck(s, p, budget)] });
  return groups;
}
