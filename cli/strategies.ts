// Strategies by name, as `--strategy` takes them.
import { ReplayStrategy } from "../sim/strategies/replay.ts";
import { randomStrategy, type StrategyFactory } from "../sim/universe.ts";
import type { Tape } from "../sim/tape.ts";
import { UsageError } from "./args.ts";

export const STRATEGY_NAMES = ["random"] as const;

export type StrategyName = (typeof STRATEGY_NAMES)[number];

export function parseStrategy(name: string): StrategyName {
  if (!(STRATEGY_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`unknown strategy "${name}" (strategies: ${STRATEGY_NAMES.join(", ")})`);
  }
  return name as StrategyName;
}

/** The strategy factory of one seed's universe. */
export function strategyFor(name: StrategyName): (seed: number) => StrategyFactory {
  switch (name) {
    case "random":
      return () => randomStrategy;
  }
}

export function replayStrategy(tape: Tape): StrategyFactory {
  return () => new ReplayStrategy(tape);
}
