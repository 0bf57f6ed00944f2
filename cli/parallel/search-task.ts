// One piece of a seed search, as plain data a worker thread can receive: which scenario form on
// which fixes, with which strategy, over which seeds. Whoever runs it (a worker, or this thread)
// gets the same universes: each depends only on its (scenario, form, fixes, strategy, seed).
import type { Fixes } from "../../engine/fixes.ts";
import { formSpec, type Scenario, type ScenarioForm } from "../../scenarios/types.ts";
import type { StorageFaultKind } from "../../sim/faults/kinds.ts";
import { withStorageFaults } from "../../sim/faults/spec.ts";
import type { UniverseSpec } from "../../sim/universe.ts";
import { type BackendName, backendByName } from "../../sim/backends.ts";
import { type OtherFinding, type SearchOptions, type SearchSummary, searchSeeds } from "../../sim/search.ts";
import type { CoverageData } from "../../sim/coverage.ts";
import { isClaimed } from "../../scenarios/claims.ts";
import { loadScenario } from "../scenario-ref.ts";
import { seededStrategies, type SeededStrategies, type StrategyChoice } from "../strategies.ts";

export interface SearchTask {
  /** A scenario of the registry by name, or a scenario file by path (cli/scenario-ref.ts). */
  readonly scenario: string;
  readonly form: ScenarioForm;
  readonly fixes: Fixes;
  /** A seeded strategy (exhaustive search does not split by seed). */
  readonly strategy: StrategyChoice;
  readonly fromSeed: number;
  readonly universes: number;
  readonly keepGoing: boolean;
  /** Judge by the scenario's claim: its own symptom apart from other bugs (hunt, the claims suite). */
  readonly claims?: boolean;
  /** With `keepGoing` and `claims`: stop at the first universe that shows the claimed symptom. */
  readonly stopAtClaim?: boolean;
  readonly backend: { readonly name: BackendName; readonly keep?: boolean; readonly dir?: string };
  /** Storage fault kinds the universes may suffer (`--faults`); none when absent. */
  readonly faults?: readonly StorageFaultKind[];
}

/** The spec a task's universes run: the scenario form, with the task's storage faults. */
export function taskSpec(scenario: Scenario, task: Pick<SearchTask, "form" | "faults">): UniverseSpec {
  return withStorageFaults(formSpec(scenario, task.form), task.faults);
}

/** What one piece found; the first failure is named by its seed (it replays from it). */
export interface TaskOutcome {
  readonly fromSeed: number;
  /** Universes run: all of them, or up to and including the first failure. */
  readonly universes: number;
  readonly violations: number;
  readonly steps: number;
  readonly operationsAttempted: number;
  readonly operationsCompleted: number;
  readonly maxStepDecisions: number;
  readonly maxActorsOffered: number;
  /**
   * Named by its seed and execution fingerprint, not its trace hash: hashing a trace costs as
   * much as a short universe, and every piece of a search that keeps going has a first failure.
   * The caller runs the failure again for the whole result and checks the fingerprint.
   */
  readonly firstFailure: { readonly seed: number; readonly executionDigest: string; readonly kind: string } | null;
  readonly claimed: number;
  readonly firstClaimed: { readonly seed: number } | null;
  readonly others: readonly OtherFinding[];
  readonly executionDigests: readonly string[];
  readonly scriptArmed: readonly string[];
  readonly coverage: CoverageData;
  readonly limited: number;
  readonly firstLimited: SearchSummary["firstLimited"];
}

/** Strategies per scenario form, fixes and choice: PCT's bounds are estimated once per thread. */
const strategiesMemo = new Map<string, Promise<SeededStrategies>>();

export function strategiesFor(task: Pick<SearchTask, "scenario" | "form" | "fixes" | "strategy" | "faults">): Promise<SeededStrategies> {
  const key = JSON.stringify([task.scenario, task.form, task.fixes, task.strategy, task.faults ?? []]);
  let s = strategiesMemo.get(key);
  if (!s) {
    s = scenarioNamed(task.scenario).then((scenario) => seededStrategies(task.strategy, taskSpec(scenario, task), task.fixes));
    strategiesMemo.set(key, s);
  }
  return s;
}

/** The scenario a task names: a worker loads a scenario file as the command line did. */
export async function scenarioNamed(ref: string) {
  return (await loadScenario(ref)).scenario;
}

export async function runSearchTask(task: SearchTask): Promise<TaskOutcome> {
  const spec = taskSpec(await scenarioNamed(task.scenario), task);
  const strategies = await strategiesFor(task);
  const { name, ...backendOptions } = task.backend;
  const summary = await searchSeeds({
    spec,
    fixes: task.fixes,
    fromSeed: task.fromSeed,
    universes: task.universes,
    strategyFor: strategies.forSeed,
    keepGoing: task.keepGoing,
    ...(await claimRule(task)),
    backend: backendByName(name, backendOptions),
  });
  const first = summary.firstFailure;
  return {
    fromSeed: task.fromSeed,
    universes: summary.universes,
    violations: summary.violations,
    steps: summary.steps,
    operationsAttempted: summary.operationsAttempted,
    operationsCompleted: summary.operationsCompleted,
    maxStepDecisions: summary.maxStepDecisions,
    maxActorsOffered: summary.maxActorsOffered,
    firstFailure: first ? { seed: first.seed, executionDigest: first.executionDigest, kind: first.violations[0]!.kind } : null,
    claimed: summary.claimed,
    firstClaimed: summary.firstClaimed ? { seed: summary.firstClaimed.seed } : null,
    others: summary.others,
    executionDigests: summary.executionDigests,
    scriptArmed: summary.scriptArmed,
    coverage: summary.coverage,
    limited: summary.limited,
    firstLimited: summary.firstLimited,
  };
}

/** The search options a task's claim rule stands for: the scenario's claim judges, and may stop the search. */
export async function claimRule(task: Pick<SearchTask, "scenario" | "claims" | "stopAtClaim">): Promise<Pick<SearchOptions, "isClaimed" | "stopAtClaim">> {
  if (!task.claims) return {};
  const claim = (await scenarioNamed(task.scenario)).claim;
  return { isClaimed: (v, all) => isClaimed(claim, v, all), stopAtClaim: task.stopAtClaim ?? false };
}
