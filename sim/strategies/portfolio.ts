// A portfolio: each universe's strategy is a function of its seed. Seeds rotate over a random
// walk and PCT at depths 1, 2 and 3, and each universe also draws swarm-style knobs from its
// seed: the crash probability, and how the scenario's own knobs (`world.choose`, `chance`,
// `stagger`: data choices on the tape) are answered: uniformly, biased low (fewer operations,
// early starts, faults rarely armed) or biased high. No single setting finds every bug fast;
// rotating them bounds how badly any one bug can be served (Coyote's portfolio, TigerBeetle's
// swarm options).
import { pick, type Prng, SeedTree } from "../seed.ts";
import type { DataDecision, StepDecision, Strategy } from "../strategy.ts";
import type { StrategyFactory } from "../universe.ts";
import { PctStrategy } from "./pct.ts";
import { RandomStrategy } from "./random.ts";

export type DataBias = "uniform" | "low" | "high";

export type PortfolioMember =
  | { readonly kind: "random"; readonly crashChance: number; readonly data: DataBias }
  | { readonly kind: "pct"; readonly depth: number; readonly crashChance: number; readonly data: DataBias };

/** The rotation, by seed modulo its length. */
export const PORTFOLIO_SLOTS = ["random", "pct1", "pct2", "pct3"] as const;
/** Per-process crash chances (see crash-plan.ts): from rare to nearly always. */
export const CRASH_CHANCES = [0.1, 0.3, 0.5, 0.9] as const;
export const DATA_BIASES: readonly DataBias[] = ["uniform", "uniform", "low", "high"];

/** The member (and its knobs) that runs the universe of `seed`. */
export function portfolioMember(seed: number): PortfolioMember {
  const slot = PORTFOLIO_SLOTS[seed % PORTFOLIO_SLOTS.length]!;
  const prng = SeedTree.root(seed).child("portfolio").prng();
  const crashChance = CRASH_CHANCES[pick(prng, CRASH_CHANCES.length)]!;
  const data = DATA_BIASES[pick(prng, DATA_BIASES.length)]!;
  if (slot === "random") return { kind: "random", crashChance, data };
  return { kind: "pct", depth: Number(slot.slice(3)), crashChance, data };
}

export function describeMember(m: PortfolioMember): string {
  const head = m.kind === "random" ? "random" : `pct(d=${m.depth})`;
  return `${head} crash=${m.crashChance} data=${m.data}`;
}

/** The strategy of one member; PCT members need the scenario's step bound. */
export function memberStrategy(m: PortfolioMember, stepBound: number): StrategyFactory {
  return (seeds, hints) => {
    const crash = { crashChance: m.crashChance, ...(hints.crashHorizon !== undefined ? { crashHorizon: hints.crashHorizon } : {}) };
    const inner: Strategy =
      m.kind === "random" ? new RandomStrategy(seeds.prng(), crash) : new PctStrategy(seeds.prng(), { depth: m.depth, stepBound, ...crash });
    return m.data === "uniform" ? inner : new BiasedData(inner, seeds.child("swarm-data").prng(), m.data);
  };
}

/** The portfolio as `searchSeeds` takes it: a strategy per seed. */
export function portfolio(stepBound: number): (seed: number) => StrategyFactory {
  return (seed) => memberStrategy(portfolioMember(seed), stepBound);
}

/** Answers the scenario's data choices with a bias toward 0 or toward n-1. */
export class BiasedData implements Strategy {
  readonly name: string;

  constructor(
    private readonly inner: Strategy,
    private readonly prng: Prng,
    private readonly bias: "low" | "high",
  ) {
    this.name = `${inner.name}+data-${bias}`;
  }

  chooseStep(d: StepDecision): number {
    return this.inner.chooseStep(d);
  }

  chooseData(d: DataDecision): number {
    // The fault plan's choices keep their own rate; the bias is for the scenario's knobs.
    if (d.bounded) return this.inner.chooseData(d);
    const u = this.prng();
    const low = Math.min(d.n - 1, Math.floor(d.n * u * u * u));
    return this.bias === "low" ? low : d.n - 1 - low;
  }
}
