// Runs universes seed after seed until one fails or the budget is spent.
import type { Fixes } from "../engine/fixes.ts";
import { type BackendFactory, runUniverse, type StrategyFactory, type UniverseResult, type UniverseSpec } from "./universe.ts";

export interface SearchOptions {
  readonly spec: UniverseSpec;
  readonly fixes: Fixes;
  readonly fromSeed: number;
  readonly universes: number;
  /** The strategy of each seed's universe (a portfolio rotates them); random by default. */
  readonly strategyFor?: (seed: number) => StrategyFactory;
  readonly backend?: BackendFactory;
  /** Keep running after the first failure (to count them all). */
  readonly keepGoing?: boolean;
  /** Called after each universe (progress bars). */
  readonly onUniverse?: (result: UniverseResult, index: number) => void;
  /**
   * Awaited after each universe; true stops the search there. The command line uses it for a
   * wall-clock budget and to let Ctrl-C through (it yields to the event loop now and then).
   */
  readonly checkpoint?: () => Promise<boolean>;
}

export interface SearchSummary {
  readonly universes: number;
  readonly violations: number;
  readonly firstFailure: UniverseResult | null;
  /** Sum of scheduler steps over every universe run. */
  readonly steps: number;
  /** Sums over every universe run of the scenario's operations begun and ended. */
  readonly operationsAttempted: number;
  readonly operationsCompleted: number;
  /** The most step decisions and distinct actors any universe had (what a PCT guarantee must cover). */
  readonly maxStepDecisions: number;
  readonly maxActorsOffered: number;
}

export async function searchSeeds(options: SearchOptions): Promise<SearchSummary> {
  let ran = 0;
  let failed = 0;
  let steps = 0;
  let operationsAttempted = 0;
  let operationsCompleted = 0;
  let maxStepDecisions = 0;
  let maxActorsOffered = 0;
  let first: UniverseResult | null = null;
  for (let i = 0; i < options.universes; i++) {
    const seed = options.fromSeed + i;
    const strategy = options.strategyFor?.(seed);
    const result = await runUniverse({
      spec: options.spec,
      seed,
      fixes: options.fixes,
      ...(strategy ? { strategy } : {}),
      ...(options.backend ? { backend: options.backend } : {}),
    });
    ran++;
    steps += result.steps;
    operationsAttempted += result.operations.attempted;
    operationsCompleted += result.operations.completed;
    maxStepDecisions = Math.max(maxStepDecisions, result.stepDecisions);
    maxActorsOffered = Math.max(maxActorsOffered, result.actorsOffered);
    options.onUniverse?.(result, i);
    if (result.verdict === "fail") {
      failed++;
      first ??= result;
      if (!options.keepGoing) break;
    }
    if (options.checkpoint && (await options.checkpoint())) break;
  }
  return { universes: ran, violations: failed, firstFailure: first, steps, operationsAttempted, operationsCompleted, maxStepDecisions, maxActorsOffered };
}
