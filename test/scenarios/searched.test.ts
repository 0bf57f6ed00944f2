// Every scenario's searched form, with budgets small enough for `npm test` that still prove
// both directions: the search finds a violation on the red profile, and nothing on fixed. The
// full budgets (2,000 red, 5,000 fixed) run in `omnisim hunt` and the benchmarks.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { SCENARIOS } from "../../scenarios/registry.ts";
import { formSpec } from "../../scenarios/types.ts";
import { searchSeeds } from "../../sim/search.ts";

const RED_BUDGET = 400;
const FIXED_BUDGET = 40;

for (const s of SCENARIOS.filter((x) => x.probe)) {
  if (s.redProfile) {
    test(`${s.name} searched: red on ${s.redProfile} within ${RED_BUDGET} universes`, async () => {
      const r = await searchSeeds({ spec: formSpec(s, "searched"), fixes: PROFILES[s.redProfile!], fromSeed: 1, universes: RED_BUDGET });
      expect(r.firstFailure, "no violation found").not.toBeNull();
    });
  }
  test(`${s.name} searched: green on fixed over ${FIXED_BUDGET} universes`, async () => {
    const r = await searchSeeds({ spec: formSpec(s, "searched"), fixes: PROFILES.fixed, fromSeed: 1, universes: FIXED_BUDGET });
    expect(r.firstFailure?.violations ?? []).toEqual([]);
  });
}

test("the control strict-write-after-insert stays green on seed", async () => {
  const s = SCENARIOS.find((x) => x.name === "strict-write-after-insert")!;
  const r = await searchSeeds({ spec: formSpec(s, "searched"), fixes: PROFILES.seed, fromSeed: 1, universes: 100 });
  expect(r.firstFailure?.violations ?? []).toEqual([]);
});
