// Strategies by name, as `--strategy` takes them, with their knobs (`--depth` for PCT,
// `--preemptions` for exhaustive search), and what each seed's universe runs.
import type { Fixes } from "../engine/fixes.ts";
import { DEFAULT_PREEMPTIONS } from "../sim/strategies/dfs-search.ts";
import { estimatePctBounds, type PctBounds } from "../sim/strategies/pct-bounds.ts";
import { missProbability, PctStrategy, pctProbability } from "../sim/strategies/pct.ts";
import { describeMember, portfolio, portfolioMember } from "../sim/strategies/portfolio.ts";
import { ReplayStrategy } from "../sim/strategies/replay.ts";
import type { Tape } from "../sim/tape.ts";
import { randomStrategy, type StrategyFactory, type UniverseSpec } from "../sim/universe.ts";
import { UsageError } from "./args.ts";

export const STRATEGY_NAMES = ["random", "pct", "dfs", "portfolio"] as const;

export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** PCT's depth when `--depth` is not given. */
export const DEFAULT_PCT_DEPTH = 3;
export const MAX_PCT_DEPTH = 10;
export const MAX_PREEMPTIONS = 20;

export interface StrategyChoice {
  readonly name: StrategyName;
  /** PCT only. */
  readonly depth?: number;
  /** Exhaustive search only. */
  readonly preemptions?: number;
  /** Exhaustive search only: sleep-set reduction (default on). */
  readonly reduction?: boolean;
}

export interface StrategyFlags {
  strategy?: string;
  depth?: string;
  preemptions?: string;
  reduction?: boolean;
}

export function parseStrategy(name: string): StrategyName {
  if (!(STRATEGY_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`unknown strategy "${name}" (strategies: ${STRATEGY_NAMES.join(", ")})`);
  }
  return name as StrategyName;
}

function parseBounded(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
    throw new UsageError(`bad ${flag} "${text}": expected an integer from ${min} to ${max}`);
  }
  return n;
}

/** `--strategy`, `--depth`, `--preemptions` and `--no-reduction`, checked together. */
export function parseStrategyChoice(flags: StrategyFlags, fallback: StrategyName): StrategyChoice {
  const name = parseStrategy(flags.strategy ?? fallback);
  if (flags.depth !== undefined && name !== "pct") throw new UsageError("--depth applies to --strategy pct only");
  if (flags.preemptions !== undefined && name !== "dfs") throw new UsageError("--preemptions applies to --strategy dfs only");
  if (flags.reduction === false && name !== "dfs") throw new UsageError("--no-reduction applies to --strategy dfs only");
  if (name === "pct") {
    return { name, depth: flags.depth === undefined ? DEFAULT_PCT_DEPTH : parseBounded(flags.depth, "--depth", 1, MAX_PCT_DEPTH) };
  }
  if (name === "dfs") {
    return {
      name,
      preemptions: flags.preemptions === undefined ? DEFAULT_PREEMPTIONS : parseBounded(flags.preemptions, "--preemptions", 0, MAX_PREEMPTIONS),
      reduction: flags.reduction ?? true,
    };
  }
  return { name };
}

/** A short name for reports and the ledger: `random`, `pct:d=3`, `dfs:p=2`, `portfolio`. */
export function strategyLabel(c: StrategyChoice): string {
  if (c.name === "pct") return `pct:d=${c.depth}`;
  if (c.name === "dfs") return `dfs:p=${c.preemptions}${c.reduction === false ? ":no-reduction" : ""}`;
  return c.name;
}

/** The arguments that select this strategy again on a command line. */
export function strategyArgv(c: StrategyChoice): string[] {
  if (c.name === "random") return ["--strategy", "random"];
  if (c.name === "pct") return ["--strategy", "pct", "--depth", String(c.depth)];
  if (c.name === "dfs") return ["--strategy", "dfs", "--preemptions", String(c.preemptions), ...(c.reduction === false ? ["--no-reduction"] : [])];
  return ["--strategy", c.name];
}

/** What the universe of each seed runs, for seeded strategies (all but exhaustive search). */
export interface SeededStrategies {
  readonly choice: StrategyChoice;
  readonly forSeed: (seed: number) => StrategyFactory;
  /** The strategy that ran `seed` (a portfolio names its member and knobs). */
  readonly describe: (seed: number) => string;
  /** PCT's bounds for this scenario form and profile (PCT and the portfolio only). */
  readonly bounds: PctBounds | null;
}

export async function seededStrategies(choice: StrategyChoice, spec: UniverseSpec, fixes: Fixes): Promise<SeededStrategies> {
  switch (choice.name) {
    case "random":
      return { choice, forSeed: () => randomStrategy, describe: () => "random", bounds: null };
    case "pct": {
      const bounds = await estimatePctBounds(spec, fixes);
      const depth = choice.depth ?? DEFAULT_PCT_DEPTH;
      return {
        choice,
        forSeed: () => (seeds) => new PctStrategy(seeds.prng(), { depth, stepBound: bounds.stepBound }),
        describe: () => `pct(d=${depth}, k=${bounds.stepBound})`,
        bounds,
      };
    }
    case "portfolio": {
      const bounds = await estimatePctBounds(spec, fixes);
      return { choice, forSeed: portfolio(bounds.stepBound), describe: (seed) => describeMember(portfolioMember(seed)), bounds };
    }
    case "dfs":
      throw new Error("exhaustive search is not a seeded strategy");
  }
}

export function replayStrategy(tape: Tape): StrategyFactory {
  return () => new ReplayStrategy(tape);
}

/** PCT's guarantee for a bug of one depth over a run of universes. */
export interface DepthGuarantee {
  readonly depth: number;
  /** Universes that carried the guarantee (for the portfolio: its PCT members of this depth). */
  readonly universes: number;
  /** The per-universe lower bound 1/(n·k^(d-1)). */
  readonly perUniverse: number;
  /** The probability that every one of those universes missed such a bug, at most. */
  readonly missProbability: number;
}

export interface Guarantee {
  readonly actors: number;
  readonly stepBound: number;
  readonly depths: readonly DepthGuarantee[];
  /**
   * Whether every universe of the run stayed within the n and k the bound assumes. When one took
   * more step decisions or offered more actors, the bound does not apply and is not claimed.
   */
  readonly holds: boolean;
  /** The most step decisions and actors offered any universe of the run had. */
  readonly observed: { readonly stepDecisions: number; readonly actors: number };
}

/** What a run saw, against which a PCT guarantee is checked. */
export interface Observed {
  readonly maxStepDecisions: number;
  readonly maxActorsOffered: number;
}

/** The guarantee of `universes` seeds from `fromSeed`, for PCT and the portfolio; null otherwise. */
export function guaranteeOf(s: SeededStrategies, fromSeed: number, universes: number, seen: Observed): Guarantee | null {
  const b = s.bounds;
  if (!b) return null;
  const n = b.actors;
  const k = b.stepBound;
  const observed = { stepDecisions: seen.maxStepDecisions, actors: seen.maxActorsOffered };
  const holds = observed.stepDecisions <= k && observed.actors <= n;
  if (s.choice.name === "pct") {
    const d = s.choice.depth ?? DEFAULT_PCT_DEPTH;
    const p = pctProbability(n, k, d);
    return { actors: n, stepBound: k, depths: [{ depth: d, universes, perUniverse: p, missProbability: missProbability(p, universes) }], holds, observed };
  }
  // The bound is proved for PCT run at the bug's own depth, so each depth counts its own members.
  const depths: DepthGuarantee[] = [];
  for (let d = 1; d <= 3; d++) {
    let count = 0;
    for (let seed = fromSeed; seed < fromSeed + universes; seed++) {
      const m = portfolioMember(seed);
      if (m.kind === "pct" && m.depth === d) count++;
    }
    const p = pctProbability(n, k, d);
    depths.push({ depth: d, universes: count, perUniverse: p, missProbability: missProbability(p, count) });
  }
  return { actors: n, stepBound: k, depths, holds, observed };
}

export function formatProbability(p: number): string {
  if (p === 0) return "0";
  if (p >= 0.01) return p.toFixed(p >= 0.1 ? 2 : 3);
  return p.toExponential(2);
}

/** One human line per depth; or why no guarantee is claimed. */
export function guaranteeLines(g: Guarantee): string[] {
  if (!g.holds) {
    return [
      `  no PCT guarantee: it assumes n=${g.actors} actors and k=${g.stepBound} step decisions per universe, but a universe of this run had ${g.observed.actors} actors and ${g.observed.stepDecisions} step decisions`,
    ];
  }
  return g.depths.map(
    (d) =>
      `  PCT guarantee, bug depth ${d.depth} (n=${g.actors} actors, k=${g.stepBound} steps): ` +
      (d.universes === 0
        ? "no universe of this run carried it"
        : `>= ${formatProbability(d.perUniverse)} per universe; missed by all ${d.universes} with probability <= ${formatProbability(d.missProbability)}`),
  );
}
