// Searched failures replayed on real Lance: for each red scenario, the first failing seed of
// the default random search on the virtual store, its tape recorded and replayed with
// ReplayStrategy on Lance, gives the same verdict and the same violations, and a trace that
// agrees at least up to dataset version numbering (trace-compare.ts), or, where the model's
// compaction and LanceDB's commit other version counts and a violation's text names a version
// (divergences 1 and 2; scenarios.test.ts's "calls"), the same storage calls and manifest
// versions. Which level each one reaches is in docs/fidelity.md; the seed a search finds moves
// whenever a scenario changes, so only the floor is pinned here.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { SCENARIOS } from "../../scenarios/registry.ts";
import { formSpec } from "../../scenarios/types.ts";
import { lanceBackendFactory } from "../../sim/backends.ts";
import { searchSeeds } from "../../sim/search.ts";
import { ReplayStrategy } from "../../sim/strategies/replay.ts";
import { runUniverse } from "../../sim/universe.ts";
import { compareTraces, manifestVersions, operations, storageCallShapes } from "./trace-compare.ts";

/** Every scenario with a red profile (B1, B2', B7 and the rest); the searched suite's budget. */
const BUDGET = 400;

const lance = lanceBackendFactory();

for (const scenario of SCENARIOS.filter((s) => s.redProfile !== null)) {
  test(`${scenario.name}: the first failing seed on the virtual store, replayed from its tape on Lance, fails the same way`, async () => {
    const spec = formSpec(scenario, "searched");
    const fixes = PROFILES[scenario.redProfile!];
    const search = await searchSeeds({ spec, fixes, fromSeed: 1, universes: BUDGET });
    const found = search.firstFailure;
    expect(found, `no failing seed within ${BUDGET}`).not.toBeNull();
    const tape = [...found!.tape];
    const replayed = await runUniverse({ spec, seed: found!.seed, fixes, strategy: () => new ReplayStrategy(tape), backend: lance });
    expect(replayed.verdict).toBe("fail");
    expect(replayed.violations.map((v) => v.kind)).toEqual(found!.violations.map((v) => v.kind));
    expect(operations(replayed.trace)).toEqual(operations(found!.trace));
    expect(storageCallShapes(replayed.trace)).toEqual(storageCallShapes(found!.trace));
    expect(manifestVersions(replayed.trace)).toEqual(manifestVersions(found!.trace));
    const comparison = compareTraces(found!.trace, replayed.trace);
    if (comparison.agreement === null) {
      // Only a violation or error text naming a dataset version may differ.
      const texts = Object.values(comparison.differences).map((d) => `${d?.model ?? ""} ${d?.lance ?? ""}`);
      expect(texts.at(-1), JSON.stringify(comparison.differences, null, 1)).toMatch(/"e":"(violation|op)"/);
    }
  });
}
