// Searched failures replayed on real Lance: for each red scenario, the first universe of the
// portfolio search (hunt's) on the virtual store that shows the scenario's own symptom, its tape
// recorded and replayed with ReplayStrategy on Lance, gives the same verdict and the same
// violations, and a trace that agrees at least up to dataset version numbering
// (trace-compare.ts). Which level each one reaches is in docs/fidelity.md; the seed a search
// finds moves whenever a scenario changes, so only the floor is pinned here.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { redProfileOf } from "../../scenarios/claims.ts";
import { SCENARIOS } from "../../scenarios/registry.ts";
import { formSpec } from "../../scenarios/types.ts";
import { tally } from "../../scenarios/verify/checks.ts";
import { lanceBackendFactory } from "../../sim/backends.ts";
import { ReplayStrategy } from "../../sim/strategies/replay.ts";
import { runUniverse } from "../../sim/universe.ts";
import { compareTraces, manifestVersions, operations, storageCallShapes } from "./trace-compare.ts";

/** The claims suite's budget. */
const BUDGET = 400;

/**
 * Universes whose replay on Lance takes another path, with the reason (docs/fidelity.md). The
 * test asserts that they still diverge, so an entry cannot outlive the divergence.
 */
const DIVERGENT: Readonly<Record<string, string>> = {
  "random-workload": "an optimize in the workload meets the compaction divergences (1 and 2) and the universe takes another path",
  "random-workload-branches": "since its schema applies add @index age (the index-coverage oracle's reach), the first universe showing its symptom optimizes a node table with two fragments, which meets the compaction divergences (1 and 2): Lance's compaction commits two versions where the model commits one, and the universe takes another path",
  "merge-false-conflict": "a merge-insert on a fork of a fork fails on Lance: Lance looks for an index the fork inherited from further up under the intermediate branch's tree (\`tree/<branch>/_indices/...\`: not found), a Lance bug; the model reads the index (docs/fidelity.md, divergence 14)",
};

const lance = lanceBackendFactory();

// Scenarios whose searched form runs with storage faults are left out: the fault plan is a layer
// of the virtual store (a real backend has none), so their universes cannot be replayed on Lance.
for (const scenario of SCENARIOS.filter((s) => redProfileOf(s.claim) !== null && s.probe && !s.storageFaults?.length)) {
  test(`${scenario.name}: the first universe showing its symptom, replayed from its tape on Lance, fails the same way`, async () => {
    const spec = formSpec(scenario, "searched");
    const fixes = PROFILES[redProfileOf(scenario.claim)!];
    const found = (await tally(scenario, fixes, BUDGET, true)).firstClaimed;
    expect(found, `no universe showed the claimed symptom within ${BUDGET}`).not.toBeNull();
    const tape = [...found!.tape];
    const replayed = await runUniverse({ spec, seed: found!.seed, fixes, strategy: () => new ReplayStrategy(tape), backend: lance });
    if (DIVERGENT[scenario.name]) {
      const agrees =
        replayed.verdict === found!.verdict &&
        JSON.stringify(operations(replayed.trace)) === JSON.stringify(operations(found!.trace)) &&
        compareTraces(found!.trace, replayed.trace).agreement !== null;
      expect(agrees, `listed as divergent (${DIVERGENT[scenario.name]}) but agrees now: remove the entry`).toBe(false);
      return;
    }
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
