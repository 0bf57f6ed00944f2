// Bounded exhaustive search, the driver: runs the universe again and again, each time with the
// tree's forced prefix, until the bounded space is exhausted, a universe fails, or the budget
// of universes is spent. Every universe uses the same seed (ids and the clock), so a failing
// schedule replays from that seed and its tape.
import type { Fixes } from "../../engine/fixes.ts";
import { type BackendFactory, runUniverse, type UniverseResult, type UniverseSpec } from "../universe.ts";
import { DfsTree, type DfsOptions } from "./dfs.ts";

/** The default preemption bound. */
export const DEFAULT_PREEMPTIONS = 2;

export interface ExhaustiveOptions extends Partial<DfsOptions> {
  readonly spec: UniverseSpec;
  readonly fixes: Fixes;
  /** The seed of every universe of the search. */
  readonly seed: number;
  /** Stop after this many universes even if the space is not exhausted. */
  readonly maxUniverses?: number;
  /** Keep exploring after a failure (to count them). */
  readonly keepGoing?: boolean;
  readonly backend?: BackendFactory;
  /** Called after each universe. */
  readonly onUniverse?: (result: UniverseResult, index: number, redundant: boolean) => void;
  /** Awaited after each universe; true stops the search (a time budget, an interrupt). */
  readonly checkpoint?: () => Promise<boolean>;
  /** Stop after a universe for which this holds (benchmarks stop at a given symptom). */
  readonly stopAfter?: (result: UniverseResult) => boolean;
}

export interface ExhaustiveSummary {
  /** Universes run: distinct schedules plus redundant ones. */
  readonly universes: number;
  /** Distinct schedules (no two equivalent under the reduction). */
  readonly schedules: number;
  /** Universes that retraced an explored schedule (cut by the sleep sets). */
  readonly redundant: number;
  /** The whole bounded space was explored. */
  readonly complete: boolean;
  readonly violations: number;
  readonly firstFailure: UniverseResult | null;
  /** Sum of scheduler steps over every universe. */
  readonly steps: number;
  /** Sums of the scenario's operations begun and ended over every universe. */
  readonly operationsAttempted: number;
  readonly operationsCompleted: number;
  readonly maxStepDecisions: number;
  readonly maxActorsOffered: number;
  /** The longest tape of any schedule. */
  readonly maxDepth: number;
  readonly preemptions: number;
  readonly reduction: boolean;
}

export async function exploreSchedules(options: ExhaustiveOptions): Promise<ExhaustiveSummary> {
  const preemptions = options.preemptions ?? DEFAULT_PREEMPTIONS;
  const reduction = options.reduction ?? true;
  const tree = new DfsTree({ preemptions, reduction });
  const max = options.maxUniverses ?? Infinity;
  let universes = 0;
  let schedules = 0;
  let redundant = 0;
  let violations = 0;
  let steps = 0;
  let operationsAttempted = 0;
  let operationsCompleted = 0;
  let maxStepDecisions = 0;
  let maxActorsOffered = 0;
  let maxDepth = 0;
  let first: UniverseResult | null = null;
  let complete = false;
  while (universes < max) {
    const strategy = tree.strategy();
    const result = await runUniverse({
      spec: options.spec,
      seed: options.seed,
      fixes: options.fixes,
      strategy: () => strategy,
      ...(options.backend ? { backend: options.backend } : {}),
    });
    const report = tree.finishRun(result.trace.events());
    options.onUniverse?.(result, universes, report.redundant);
    universes++;
    steps += result.steps;
    operationsAttempted += result.operations.attempted;
    operationsCompleted += result.operations.completed;
    maxStepDecisions = Math.max(maxStepDecisions, result.stepDecisions);
    maxActorsOffered = Math.max(maxActorsOffered, result.actorsOffered);
    maxDepth = Math.max(maxDepth, report.depth);
    if (report.redundant) redundant++;
    else schedules++;
    if (result.verdict === "fail") {
      violations++;
      first ??= result;
      if (!options.keepGoing) break;
    }
    if (options.stopAfter?.(result)) break;
    if (options.checkpoint && (await options.checkpoint())) break;
    if (!tree.backtrack()) {
      complete = true;
      break;
    }
  }
  return { universes, schedules, redundant, complete, violations, firstFailure: first, steps, operationsAttempted, operationsCompleted, maxStepDecisions, maxActorsOffered, maxDepth, preemptions, reduction };
}
