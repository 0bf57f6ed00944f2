// How the harness picks PCT's step bound k and actor count n for a scenario form on a profile:
// it runs a few random-walk universes at fixed seeds (0, 1, ...) and takes the largest number of
// step decisions and of distinct actors any of them saw. The estimate depends only on the
// scenario, the profile and the engine, never on the seed being searched, so a PCT universe
// replays from its seed alone. (shuttle and Coyote instead grow k adaptively across the
// iterations of one test run; that would make a universe depend on the ones before it.)
import type { Fixes } from "../../engine/fixes.ts";
import type { DataDecision, StepDecision, Strategy } from "../strategy.ts";
import { type BackendFactory, runUniverse, type UniverseSpec } from "../universe.ts";
import { RandomStrategy } from "./random.ts";

export interface PctBounds {
  /** k: the most step decisions seen in one universe (at least 1). */
  readonly stepBound: number;
  /** n: the most distinct actors offered a step in one universe (at least 1). */
  readonly actors: number;
}

/** Universes run to estimate the bounds. */
export const PCT_ESTIMATE_RUNS = 5;

export async function estimatePctBounds(
  spec: UniverseSpec,
  fixes: Fixes,
  options: { runs?: number; backend?: BackendFactory } = {},
): Promise<PctBounds> {
  let stepBound = 1;
  let actors = 1;
  for (let seed = 0; seed < (options.runs ?? PCT_ESTIMATE_RUNS); seed++) {
    let decisions = 0;
    const seen = new Set<number>();
    await runUniverse({
      spec,
      seed,
      fixes,
      ...(options.backend ? { backend: options.backend } : {}),
      strategy: (seeds) => {
        const inner = new RandomStrategy(seeds.prng());
        const counting: Strategy = {
          name: "pct-estimate",
          chooseStep(d: StepDecision) {
            decisions++;
            for (const o of d.options) if (o.kind === "grant") seen.add(o.actor.id);
            return inner.chooseStep(d);
          },
          chooseData: (d: DataDecision) => inner.chooseData(d),
        };
        return counting;
      },
    });
    stepBound = Math.max(stepBound, decisions);
    actors = Math.max(actors, seen.size);
  }
  return { stepBound, actors };
}
