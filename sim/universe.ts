// Runs one universe: a world, a director that sets it up and judges it, the scheduler to the
// end, and a verdict. The same (spec, fixes, seed, strategy) always gives the same trace hash.
import { isOmniError } from "../engine/errors.ts";
import type { Fixes } from "../engine/fixes.ts";
import { isStorageError } from "../engine/storage/errors.ts";
import { isJudgedStop } from "./judged-stop.ts";
import type { SeedTree } from "./seed.ts";
import type { Strategy } from "./strategy.ts";
import { RandomStrategy } from "./strategies/random.ts";
import { VirtualStore } from "./store/virtual-store.ts";
import type { Trace } from "./trace.ts";
import { type Backend, type Violation, World, type WorldOptions } from "./world.ts";
import type { CrashState } from "./cuts/crash-state.ts";
import type { Excused } from "./faults/judge.ts";
import type { StorageFaultOptions } from "./faults/plan.ts";

/** What the simulator needs of a scenario form. */
export interface UniverseSpec {
  readonly name: string;
  /** Crashes the search may choose as scheduler steps. */
  readonly crashBudget?: number;
  /** Faults the seeded fault plan may inject at failpoints (none unless given). */
  readonly faultBudget?: number;
  /** Durable writes per process over which a seeded strategy draws a crash point (default 24). */
  readonly crashHorizon?: number;
  readonly maxSteps?: number;
  /**
   * The director: sets the world up, spawns actors, waits for them, runs the oracles. It runs
   * whenever it can, ahead of any choice, so everything it scripts happens exactly.
   */
  direct(world: World): Promise<void>;
  /** Oracles over the finished universe (raw storage and the trace; no scheduling). */
  judge?(world: World): Promise<void>;
  /** The scenario's own operations (its actors', not the director's setup): how many began, how many ended. */
  operations?(world: World): OperationCounts;
  /** What crash-state enumeration needs (`sim/cuts/`); absent where there is no recovery to judge. */
  readonly crashes?: CrashEpilogue;
  /** The seeded storage fault plan its universes run with (`sim/faults/`); none when absent. */
  readonly storageFaults?: StorageFaultOptions;
}

/** A scenario's part in crash-state enumeration: its body alone, and what follows a crash. */
export interface CrashEpilogue {
  /** The director of the uncut universe: the body alone, with no ending and no oracles. */
  base(world: World): Promise<void>;
  /**
   * The director of a future forked at `state` of `from` (every process alive there died):
   * at depth 1 a recovering process opens the graph first (its own durable writes are cut in
   * turn: double faults); then the ending a crash calls for, a fresh open and the liveness probe.
   * `spec.judge` then judges the fork.
   */
  after(world: World, from: World, state: CrashState): Promise<void>;
  /**
   * The history of `from` as a cut at trace index `traceLength` leaves it, as far as a future
   * depends on it: equal keys, the same operations begun and ended (crash-state reduction).
   */
  historyKey?(from: World, traceLength: number): string;
}

export interface OperationCounts {
  /** Operations the scenario's actors began. */
  readonly attempted: number;
  /** Of those, the ones that ended with an answer, success or error (not cut short by a crash or the end). */
  readonly completed: number;
}

const NO_OPERATIONS: OperationCounts = Object.freeze({ attempted: 0, completed: 0 });

/** What a strategy may know of the universe it decides (hints a scenario gives the search). */
export interface StrategyHints {
  /** Durable writes per process over which a planned crash point is drawn. */
  readonly crashHorizon?: number;
}

export type StrategyFactory = (seeds: SeedTree, hints: StrategyHints) => Strategy;
export type BackendFactory = (seeds: SeedTree) => Backend;

export const randomStrategy: StrategyFactory = (seeds, hints) =>
  new RandomStrategy(seeds.prng(), hints.crashHorizon !== undefined ? { crashHorizon: hints.crashHorizon } : {});

/** The graph root the engine sees on every backend, so traces agree across backends. */
export const LOGICAL_ROOT = "mem://graph";

export const virtualBackend: BackendFactory = () => ({
  storage: new VirtualStore(),
  external: false,
  root: LOGICAL_ROOT,
});

export interface UniverseOptions {
  readonly spec: UniverseSpec;
  readonly seed: number;
  readonly fixes: Fixes;
  readonly strategy?: StrategyFactory;
  readonly backend?: BackendFactory;
  /** More of the world's options (a crash-state base run records its cuts and suffers no planned crash). */
  readonly world?: Partial<Pick<WorldOptions, "recordCuts" | "crashBudget" | "faultBudget" | "storageFaults">>;
}

export interface UniverseResult {
  readonly seed: number;
  readonly verdict: "pass" | "fail";
  readonly violations: readonly Violation[];
  /** SHA-256 of the canonical trace; computed on first read (hashing every universe of a search costs). */
  readonly traceHash: string;
  /** The tape that replays this universe. */
  readonly tape: readonly number[];
  readonly steps: number;
  /** Step decisions put to the strategy, and distinct actors offered a step: PCT's k and n, as this universe had them. */
  readonly stepDecisions: number;
  readonly actorsOffered: number;
  readonly operations: OperationCounts;
  /** Violations the storage faults explain (detected, or a documented limit): not in `violations`. */
  readonly excused: readonly Excused[];
  readonly trace: Trace;
  readonly failpointsHit: readonly string[];
  /** Failpoints a script armed (a searched form must arm none). */
  readonly scriptArmed: readonly string[];
  /** The execution's fingerprint: equal for universes that ran the same grants, crashes and choices. */
  readonly executionDigest: string;
  readonly world: World;
}

export async function runUniverse(options: UniverseOptions): Promise<UniverseResult> {
  const { spec } = options;
  const world = new World({
    seed: options.seed,
    fixes: options.fixes,
    strategy: options.strategy ?? randomStrategy,
    backend: options.backend ?? virtualBackend,
    ...(spec.crashBudget !== undefined ? { crashBudget: spec.crashBudget } : {}),
    ...(spec.faultBudget !== undefined ? { faultBudget: spec.faultBudget } : {}),
    ...(spec.crashHorizon !== undefined ? { crashHorizon: spec.crashHorizon } : {}),
    ...(spec.maxSteps !== undefined ? { maxSteps: spec.maxSteps } : {}),
    ...(spec.storageFaults && spec.storageFaults.kinds.length > 0 ? { storageFaults: spec.storageFaults } : {}),
    ...(options.world ?? {}),
  });
  return runInWorld(world, spec, (w) => spec.direct(w));
}

/**
 * Runs a universe in `world`: `direct` as its director, the scheduler to the end, the spec's
 * oracles, and the verdict. (A future forked at a crash state runs here too, in a world that
 * starts where the cut left its parent: `sim/cuts/`.)
 */
export async function runInWorld(world: World, spec: Pick<UniverseSpec, "judge" | "operations">, direct: (world: World) => Promise<void>): Promise<UniverseResult> {
  const director = world.process("director");
  world.sched.spawn(director, "director", () => direct(world), { director: true });
  try {
    await world.run();
    await spec.judge?.(world);
    reportHarnessErrors(world);
  } finally {
    await world.backend.dispose?.();
  }
  const verdict = world.violations.length === 0 ? "pass" : "fail";
  world.trace.emit({ e: "verdict", verdict, violations: world.violations.map((v) => v.kind) });
  let hash: string | null = null;
  return {
    seed: world.options.seed,
    verdict,
    violations: world.violations,
    get traceHash() {
      hash ??= world.trace.hash();
      return hash;
    },
    tape: world.sched.tape,
    steps: world.sched.stepCount,
    stepDecisions: world.sched.stepDecisions,
    actorsOffered: world.sched.actorsOffered,
    operations: spec.operations?.(world) ?? NO_OPERATIONS,
    excused: world.excused,
    trace: world.trace,
    failpointsHit: world.failpoints.hitNames(),
    scriptArmed: world.failpoints.scriptArmed(),
    executionDigest: world.sched.executionDigest(),
    world,
  };
}

/**
 * An actor that died of anything but an engine or storage error hit a bug in the model or the
 * scenario (a TypeError, a failed script assertion). That is never a pass. A JudgedStop is a
 * director that could not go on after a recorded operation failed in a way the oracles judge.
 */
function reportHarnessErrors(world: World): void {
  for (const a of world.sched.actors) {
    if (a.status !== "failed" || !a.outcome || a.outcome.ok) continue;
    const e = a.outcome.error;
    if (isOmniError(e) || isStorageError(e) || isJudgedStop(e)) continue;
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    world.violation({
      kind: "harness-error",
      message: `actor ${a.name} threw ${message}`,
      errorKind: e instanceof Error ? e.name : "thrown",
      details: { actor: a.name, ...(e instanceof Error && e.stack ? { stack: e.stack.split("\n").slice(0, 6).join("\n") } : {}) },
    });
  }
}
