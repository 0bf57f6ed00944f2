// PCT: the highest-priority runnable actor runs; at a change point the actor about to run drops
// below every other; crashes and data choices come from the PRNG; and it finds B2' and B1.
import { isClaimed, redProfileOf } from "../../scenarios/claims.ts";
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { findScenario } from "../../scenarios/registry.ts";
import { formSpec } from "../../scenarios/types.ts";
import { searchSeeds } from "../../sim/search.ts";
import { estimatePctBounds } from "../../sim/strategies/pct-bounds.ts";
import { drawChangePoints, missProbability, PctStrategy, pctProbability } from "../../sim/strategies/pct.ts";
import type { ActorView, StepDecision, StepOption } from "../../sim/strategy.ts";

/** A PRNG that returns the given values in order, then 0.5. */
const scripted = (values: number[]) => () => values.shift() ?? 0.5;

const actor = (id: number): ActorView => ({ id, name: `a${id}`, procId: id, steps: 0 });
const grant = (id: number): StepOption => ({ kind: "grant", actor: actor(id), step: { label: "s" } });
let ordinal = 0;
const decision = (...options: StepOption[]): StepDecision => ({ ordinal: ordinal++, stepCount: ordinal, options });
const chosenId = (d: StepDecision, i: number) => (d.options[i] as { actor: ActorView }).actor.id;

test("PCT runs the highest-priority runnable actor; a new actor gets a random place", () => {
  // depth 1: no change points. Actors 1, 2, 3 met in option order, inserted at 0, 1, 0.
  const pct = new PctStrategy(scripted([0.0, 0.9, 0.0]), { depth: 1, stepBound: 10 });
  expect(pct.changePoints).toEqual([]);
  const d1 = decision(grant(1), grant(2), grant(3));
  expect(chosenId(d1, pct.chooseStep(d1))).toBe(3);
  expect(pct.priorities()).toEqual([3, 1, 2]);
  // The option order (last-run first) does not matter, only priority.
  const d2 = decision(grant(2), grant(1));
  expect(chosenId(d2, pct.chooseStep(d2))).toBe(1);
  // Actor 4 appears later and is placed at a random position (0.99 of 4 places: last).
  const pct2 = new PctStrategy(scripted([0.0, 0.0, 0.99]), { depth: 1, stepBound: 10 });
  const d3 = decision(grant(1), grant(2));
  expect(chosenId(d3, pct2.chooseStep(d3))).toBe(2);
  const d4 = decision(grant(1), grant(4));
  expect(chosenId(d4, pct2.chooseStep(d4))).toBe(1);
  expect(pct2.priorities()).toEqual([2, 1, 4]);
});

test("PCT demotes the running actor at each change point, later ones lower", () => {
  // depth 3 over k=6: change points drawn from 0.25 -> 2 and 0.75 -> 5, then actors 1, 2, 3
  // placed at 0, 0, 0: priorities [3, 2, 1].
  const pct = new PctStrategy(scripted([0.25, 0.75, 0.0, 0.0, 0.0]), { depth: 3, stepBound: 6 });
  expect(pct.changePoints).toEqual([2, 5]);
  const all = () => decision(grant(1), grant(2), grant(3));
  const picks: number[] = [];
  for (let i = 0; i < 6; i++) {
    const d = all();
    picks.push(chosenId(d, pct.chooseStep(d)));
  }
  // 1: 3 runs. 2: change point, 3 drops to the bottom, 2 runs. 3-4: 2. 5: 2 drops below 3, 1 runs.
  expect(picks).toEqual([3, 2, 2, 2, 1, 1]);
  expect(pct.priorities()).toEqual([1, 3, 2]);
});

test("PCT crashes where its crash plan says, and draws data from its PRNG", () => {
  const crash: StepOption = { kind: "crash", procId: 1, procName: "p" };
  // Crash chance 0.75 over a horizon of 2 writes: 0.5 per write. Draws: actor 1's place (0.0);
  // the first write's coin (0.6: no crash); the second's (0.2: crash); the data choice (0.7 of 10).
  const pct = new PctStrategy(scripted([0.0, 0.6, 0.2, 0.7]), { depth: 1, stepBound: 3, crashChance: 0.75, crashHorizon: 2 });
  expect(pct.chooseStep(decision(grant(1), crash))).toBe(0);
  expect(pct.chooseStep(decision(grant(1), crash))).toBe(1);
  expect(pct.chooseData({ ordinal: 9, label: "x", n: 10 })).toBe(7);
});

test("change points are distinct and within [1, k]; the guarantee is 1/(n k^(d-1))", () => {
  let x = 0;
  const prng = () => (x = (x * 9301 + 49297) % 233280) / 233280;
  for (let i = 0; i < 200; i++) {
    const cps = drawChangePoints(prng, 3, 10);
    expect(new Set(cps).size).toBe(3);
    expect(cps.every((c) => c >= 1 && c <= 10)).toBe(true);
    expect([...cps].sort((a, b) => a - b)).toEqual(cps);
  }
  expect(drawChangePoints(prng, 5, 3)).toEqual([1, 2, 3]);
  expect(pctProbability(2, 50, 1)).toBe(0.5);
  expect(pctProbability(3, 200, 2)).toBeCloseTo(1 / 600);
  expect(missProbability(1 / 600, 3000)).toBeCloseTo(Math.exp(-5), 2);
});

async function universesToSymptom(name: string, depth: number, budget: number): Promise<number | null> {
  const s = findScenario(name)!;
  const spec = formSpec(s, "searched");
  const fixes = PROFILES[redProfileOf(s.claim)!];
  const { stepBound } = await estimatePctBounds(spec, fixes);
  let hit: number | null = null;
  await searchSeeds({
    spec,
    fixes,
    fromSeed: 1,
    universes: budget,
    keepGoing: true,
    strategyFor: () => (seeds, hints) => new PctStrategy(seeds.prng(), { depth, stepBound, ...hints }),
    onUniverse: (r, i) => {
      if (hit === null && r.violations.some((v) => isClaimed(s.claim, v, r.violations))) hit = i + 1;
    },
  });
  return hit;
}

test("PCT finds B2' (card-concurrent-insert) and B1 (open-sweep-cas-race) within a small budget", async () => {
  expect(await universesToSymptom("card-concurrent-insert", 2, 80)).not.toBeNull();
  expect(await universesToSymptom("card-concurrent-insert", 3, 40)).not.toBeNull();
  expect(await universesToSymptom("open-sweep-cas-race", 3, 30)).not.toBeNull();
});
