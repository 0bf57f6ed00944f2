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
function randomStep(prng: Prng, d: StepDecision, crashRate: number): number {
  const nGrants = grantCount(d);
  return crashOrNull(prng, d, nGrants, crashRate) ?? pick(prng, nGrants);
}

/** How many of `d`'s options are grants: the crash options, if any, come after them. */
export function grantCount(d: StepDecision): number {
  const firstCrash = d.options.findIndex((o) => o.kind === "crash");
  return firstCrash < 0 ? d.options.length : firstCrash;
}

/**
 * A uniform crash option with probability `crashRate` (always, when nothing can be granted), or
 * null. Shared by the random walk and PCT so a crash costs both the same PRNG draws.
 */
export function crashOrNull(prng: Prng, d: StepDecision, nGrants: number, crashRate: number): number | null {
  const nCrashes = d.options.length - nGrants;
  if (nCrashes > 0 && (nGrants === 0 || prng() < crashRate)) return nGrants + pick(prng, nCrashes);
  return null;
}
