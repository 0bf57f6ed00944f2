// The claims suite as vitest tests: every scenario's claim, part by part (scenarios/verify/
// checks.ts), split over files so the halves run in parallel. A check listed in KNOWN_GAPS
// (scenarios/verify/known-gaps.ts) must still fail; every other check must hold.
import { expect, test } from "vitest";
import { SCENARIOS } from "../../scenarios/registry.ts";
import type { Scenario } from "../../scenarios/types.ts";
import { type CheckResult, claimCheckGroups } from "../../scenarios/verify/checks.ts";
import { gapOf } from "../../scenarios/verify/known-gaps.ts";

/** Universes per searched check (the hunt's default budget is larger). */
export const CLAIM_BUDGET = 400;

function judge(s: Scenario, results: readonly CheckResult[]): void {
  for (const r of results) {
    const gap = gapOf(s.name, r);
    if (gap) expect.soft(r.ok, `${r.check} is listed as a known gap (${gap.why}) but now holds: remove the entry`).toBe(false);
    else expect.soft(r.ok, `${r.check}: ${r.detail}`).toBe(true);
  }
}

export function claimsSuite(part: number, parts: number): void {
  SCENARIOS.forEach((s, i) => {
    if (i % parts !== part) return;
    for (const g of claimCheckGroups(s, CLAIM_BUDGET)) test(`${s.name}: ${g.name}`, async () => judge(s, await g.run()));
  });
}
