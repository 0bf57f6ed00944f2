// Bounded exhaustive search: exact schedule counts on a tiny two-actor universe (with and
// without the sleep-set reduction, against hand-computed numbers), and B2' found on seed and
// clean on fixed.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { findScenario } from "../../scenarios/registry.ts";
import { formSpec } from "../../scenarios/types.ts";
import { exploreSchedules } from "../../sim/strategies/dfs-search.ts";
import { ReplayStrategy } from "../../sim/strategies/replay.ts";
import { runUniverse, type UniverseSpec } from "../../sim/universe.ts";

/**
 * Two actors A and B, each granted three steps: its start and two points writing `k:A` and
 * `k:B` (disjoint) or both `k:X` (conflicting); in two processes, or one. Optionally a data
 * choice over 3 values first.
 */
function tiny(options: { conflict?: boolean; sameProcess?: boolean; data?: boolean } = {}): UniverseSpec {
  return {
    name: "tiny",
    async direct(world) {
      if (options.data) world.choose("x", 3);
      const pa = world.process("pa");
      const pb = options.sameProcess ? pa : world.process("pb");
      const body = (name: string) => async () => {
        for (const i of [1, 2]) {
          await world.sched.point({ label: `${name}${i}`, footprint: { reads: [], writes: [options.conflict ? "k:X" : `k:${name}`] } });
        }
      };
      await world.join(world.spawn(pa, "A", body("A")), world.spawn(pb, "B", body("B")));
    },
  };
}

async function count(spec: UniverseSpec, preemptions: number, reduction: boolean) {
  const s = await exploreSchedules({ spec, fixes: PROFILES.fixed, seed: 1, preemptions, reduction });
  expect(s.complete).toBe(true);
  return [s.schedules, s.redundant];
}

test("without reduction: every interleaving within the preemption bound, hand-counted", async () => {
  // Interleavings of AAA and BBB with r blocks: r=2: 2, r=3: 4, r=4: 8, r=5: 4, r=6: 2 (20 in
  // all). The first choice is free and the last switch is forced (the other actor has
  // finished), so a schedule with r blocks takes r-2 preemptions.
  const spec = tiny();
  expect(await count(spec, 0, false)).toEqual([2, 0]);
  expect(await count(spec, 1, false)).toEqual([6, 0]);
  expect(await count(spec, 2, false)).toEqual([14, 0]);
  expect(await count(spec, 3, false)).toEqual([18, 0]);
  expect(await count(spec, 4, false)).toEqual([20, 0]);
  // A data choice over 3 values multiplies the space; one process changes nothing here.
  expect(await count(tiny({ data: true }), 4, false)).toEqual([60, 0]);
  expect(await count(tiny({ sameProcess: true }), 4, false)).toEqual([20, 0]);
});

test("with reduction: one schedule per equivalence class", async () => {
  // Disjoint keys in two processes: every step commutes, so the 20 interleavings are one trace.
  // AAABBB is explored; B first at each of the three frames where A could be preempted (or
  // where B could start) retraces it with A asleep: 3 redundant universes, 1 at bound 0.
  expect(await count(tiny(), 4, true)).toEqual([1, 3]);
  expect(await count(tiny(), 0, true)).toEqual([1, 1]);
  expect(await count(tiny({ data: true }), 4, true)).toEqual([3, 9]);
  // Conflicting points: starts commute, the four writes do not: C(4,2) = 6 orders of the writes.
  expect((await count(tiny({ conflict: true }), 4, true))[0]).toBe(6);
  // One process: actors share memory, nothing is independent, no reduction.
  expect(await count(tiny({ sameProcess: true }), 4, true)).toEqual([20, 0]);
});

test("exhaustive search finds B2' in card-concurrent-insert's scripted form on seed and is clean on fixed", async () => {
  const s = findScenario("card-concurrent-insert")!;
  const red = await exploreSchedules({ spec: formSpec(s, "scripted"), fixes: PROFILES.seed, seed: 1 });
  expect(red.firstFailure?.violations[0]?.kind).toBe("card-violated");
  const green = await exploreSchedules({ spec: formSpec(s, "scripted"), fixes: PROFILES.fixed, seed: 1 });
  expect(green).toMatchObject({ complete: true, violations: 0, firstFailure: null });
  expect(green.schedules).toBeGreaterThanOrEqual(1);
});

test("exhaustive search of the searched form: B2' within one preemption, replayable; fixed is clean", async () => {
  const s = findScenario("card-concurrent-insert")!;
  const spec = formSpec(s, "searched");
  const red = await exploreSchedules({ spec, fixes: PROFILES.seed, seed: 1, preemptions: 1 });
  const f = red.firstFailure!;
  expect(f.violations[0]!.kind).toBe("card-violated");
  const again = await runUniverse({ spec, seed: 1, fixes: PROFILES.seed, strategy: () => new ReplayStrategy(f.tape) });
  expect(again.traceHash).toBe(f.traceHash);
  const green = await exploreSchedules({ spec, fixes: PROFILES.fixed, seed: 1, preemptions: 1 });
  expect(green).toMatchObject({ complete: true, violations: 0 });
  expect(green.schedules).toBeGreaterThan(100);
});
