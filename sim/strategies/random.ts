// Seeded random walk: every runnable actor is equally likely at every step; a crash strikes
// with a small probability when the scenario allows one.
import { pick, type Prng } from "../seed.ts";
import type { DataDecision, StepDecision, Strategy } from "../strategy.ts";

export interface RandomOptions {
  /** Probability that a step is a crash instead of a grant, when a crash is possible. */
  readonly crashRate?: number;
}

export class RandomStrategy implements Strategy {
  readonly name = "random";
  private readonly crashRate: number;

  constructor(
    private readonly prng: Prng,
    options: RandomOptions = {},
  ) {
    this.crashRate = options.crashRate ?? 0.02;
  }

  chooseStep(d: StepDecision): number {
    return randomStep(this.prng, d, this.crashRate);
  }

  chooseData(d: DataDecision): number {
    return pick(this.prng, d.n);
  }
}

/** Uniform over the grants, except that with probability `crashRate` a uniform crash. */
export function randomStep(prng: Prng, d: StepDecision, crashRate: number): number {
  const grants = d.options.findIndex((o) => o.kind === "crash");
  const nGrants = grants < 0 ? d.options.length : grants;
  const nCrashes = d.options.length - nGrants;
  if (nCrashes > 0 && (nGrants === 0 || prng() < crashRate)) return nGrants + pick(prng, nCrashes);
  return pick(prng, nGrants);
}
