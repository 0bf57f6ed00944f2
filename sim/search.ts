// Runs universes seed after seed until the search's stop rule holds or the budget is spent, and
// counts what verdicts are built on: the failures, the distinct executions, and, when the caller
// says which violations are its own finding (a scenario's claim), the first universe showing one
// and every other violation met on the way, by signature.
import type { Fixes } from "../engine/fixes.ts";
import { type BackendFactory, runUniverse, type StrategyFactory, type UniverseResult, type UniverseSpec } from "./universe.ts";
import { signatureOf, type Violation } from "./violations.ts";
import { type CoverageData, CoverageLedger, windowsOf } from "./coverage.ts";

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
  /** Which violations (one of a universe's `all`) are the search's own finding; default: every one. */
  readonly isClaimed?: (v: Violation, all: readonly Violation[]) => boolean;
  /** With `keepGoing`: stop at the first universe that shows a claimed violation. */
  readonly stopAtClaim?: boolean;
  /** Called after each universe (progress bars). */
  readonly onUniverse?: (result: UniverseResult, index: number) => void;
  /**
   * Awaited after each universe; true stops the search there. The command line uses it for a
   * wall-clock budget and to let Ctrl-C through (it yields to the event loop now and then).
   */
  readonly checkpoint?: () => Promise<boolean>;
}

/** A violation the search met that is not its own finding: by signature, with its first seed. */
export interface OtherFinding {
  readonly signature: string;
  readonly violation: Violation;
  /** Every violation of the universe it was first seen in (a twin bug is told by its company). */
  readonly universe: readonly Violation[];
  readonly seed: number;
  readonly count: number;
}

export interface SearchSummary {
  readonly universes: number;
  /** Universes with any violation. */
  readonly violations: number;
  readonly firstFailure: UniverseResult | null;
  /** Universes that showed a claimed violation, and the first of them. */
  readonly claimed: number;
  readonly firstClaimed: UniverseResult | null;
  /** Violations that are not the claim, by signature, in order of first appearance. */
  readonly others: readonly OtherFinding[];
  /** The execution fingerprints met, each once, in order: their count is the distinct executions. */
  readonly executionDigests: readonly string[];
  /** Failpoints a script armed in these universes (a searched form must arm none). */
  readonly scriptArmed: readonly string[];
  /** Sum of scheduler steps over every universe run. */
  readonly steps: number;
  /** Sums over every universe run of the scenario's operations begun and ended. */
  readonly operationsAttempted: number;
  readonly operationsCompleted: number;
  /** The most step decisions and distinct actors any universe had (what a PCT guarantee must cover). */
  readonly maxStepDecisions: number;
  readonly maxActorsOffered: number;
  /** The reach ledger: every failpoint window reached, armed and crashed in, and when first. */
  readonly coverage: CoverageData;
  /** Universes whose violations all followed a storage fault no engine survives by design (a documented limit), and the first. */
  readonly limited: number;
  readonly firstLimited: { readonly seed: number; readonly why: string } | null;
}

const EVERY_VIOLATION = () => true;

export async function searchSeeds(options: SearchOptions): Promise<SearchSummary> {
  const isClaimed = options.isClaimed ?? EVERY_VIOLATION;
  let ran = 0;
  let failed = 0;
  let claimed = 0;
  let steps = 0;
  let operationsAttempted = 0;
  let operationsCompleted = 0;
  let maxStepDecisions = 0;
  let maxActorsOffered = 0;
  let first: UniverseResult | null = null;
  let firstClaimed: UniverseResult | null = null;
  const digests = new Set<string>();
  const armed = new Set<string>();
  const others = new Map<string, { violation: Violation; universe: readonly Violation[]; seed: number; count: number }>();
  const coverage = new CoverageLedger();
  let limited = 0;
  let firstLimited: SearchSummary["firstLimited"] = null;
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
    digests.add(result.executionDigest);
    for (const name of result.scriptArmed) armed.add(name);
    coverage.add(windowsOf(result.trace.events()));
    const limit = result.excused.find((x) => x.as === "limit");
    if (limit) {
      limited++;
      firstLimited ??= { seed, why: `${limit.violation.kind}: ${limit.why}` };
    }
    options.onUniverse?.(result, i);
    if (result.verdict === "fail") {
      failed++;
      first ??= result;
      let hit = false;
      for (const v of result.violations) {
        if (isClaimed(v, result.violations)) {
          hit = true;
          continue;
        }
        const signature = signatureOf(v);
        const seen = others.get(signature);
        if (seen) seen.count++;
        else others.set(signature, { violation: v, universe: result.violations, seed, count: 1 });
      }
      if (hit) {
        claimed++;
        firstClaimed ??= result;
      }
      if (!options.keepGoing) break;
      if (hit && options.stopAtClaim) break;
    }
    if (options.checkpoint && (await options.checkpoint())) break;
  }
  return {
    universes: ran,
    violations: failed,
    firstFailure: first,
    claimed,
    firstClaimed,
    others: [...others].map(([signature, o]) => ({ signature, ...o })),
    executionDigests: [...digests],
    scriptArmed: [...armed],
    steps,
    operationsAttempted,
    operationsCompleted,
    maxStepDecisions,
    maxActorsOffered,
    coverage: coverage.data(),
    limited,
    firstLimited,
  };
}
