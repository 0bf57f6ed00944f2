// Seeded random walk: every runnable actor is equally likely at every step; a crashable process
// may die before any durable write (see crash-plan.ts).
import { pick, type Prng } from "../seed.ts";
import type { DataDecision, StepDecision, Strategy } from "../strategy.ts";
import { CrashPlan, grantCount } from "./crash-plan.ts";

export interface RandomOptions {
  /** Probability that a crashable process dies within `crashHorizon` durable writes (budget allowing). */
  readonly crashChance?: number;
  /** Durable writes per process a crash point is drawn over. */
  readonly crashHorizon?: number;
}

/** The random walk's crash chance when none is given. */
export const DEFAULT_CRASH_CHANCE = 0.3;

export class RandomStrategy implements Strategy {
  readonly name = "random";
  private readonly crashes: CrashPlan;

  constructor(
    private readonly prng: Prng,
    options: RandomOptions = {},
  ) {
    this.crashes = new CrashPlan(prng, options.crashChance ?? DEFAULT_CRASH_CHANCE, options.crashHorizon);
  }

  chooseStep(d: StepDecision): number {
    const nGrants = grantCount(d);
    if (nGrants === 0) return pick(this.prng, d.options.length);
    return this.crashes.apply(d, pick(this.prng, nGrants));
  }

  chooseData(d: DataDecision): number {
    return pick(this.prng, d.n);
  }
}
