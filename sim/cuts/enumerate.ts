// Crash-state enumeration for one seed: run the universe once (its body alone, recording every
// durable write), then, for every write, the state in which the writing process died just before
// it and just after it, and the state at the end of the run; from each, fork a future (an O(1)
// copy of the store, not a replay) in which a recovering process opens the graph, a fresh process
// opens it again and the liveness probe writes, and the oracles judge. At depth 2 the recovering
// process is itself cut at each of its own durable writes and recovered from again (double faults).
import type { Fixes } from "../../engine/fixes.ts";
import { runInWorld, type StrategyFactory, type UniverseResult, type UniverseSpec, randomStrategy, virtualBackend } from "../universe.ts";
import { World } from "../world.ts";
import type { StorageFaultOptions } from "../faults/plan.ts";
import { type CrashState, type CutName, type CutStep, formatCut, MAX_CUT_DEPTH, type RunEnd, stateAt } from "./crash-state.ts";
import { forkWorld } from "./fork.ts";
import { stateDigest } from "./state-digest.ts";
import type { DurableWrite } from "./recorder.ts";
import { FailpointHits, type UniverseWindows, windowsOf } from "../coverage.ts";

export interface EnumerationOptions {
  readonly spec: UniverseSpec;
  readonly fixes: Fixes;
  readonly seed: number;
  readonly strategy?: StrategyFactory;
  /** 1: single crashes; 2 (the default): also crash each recovery at each of its durable writes. */
  readonly depth?: number;
  readonly storageFaults?: StorageFaultOptions;
  /**
   * Share a future between consecutive states equal in everything a future depends on
   * (`futureKey`), as sleep sets share equivalent schedules; false runs every state's own.
   */
  readonly reduction?: boolean;
  /** Called after each state's future (progress bars); `null` while the uncut run records. */
  readonly onState?: (state: StateOutcome) => void;
  /** Awaited now and then; true stops the enumeration there (`--time`, Ctrl-C). */
  readonly checkpoint?: () => Promise<boolean>;
}

/** What one state's future came to. */
export interface StateOutcome {
  readonly name: CutName;
  /** The durable state's content digest (equal digests: the same durable state). */
  readonly digest: string;
  readonly result: UniverseResult;
  /** The write the state cuts at (null: the end of the run). */
  readonly write: DurableWrite | null;
  /** The state whose future this one shares (`futureKey`); `result` is that future. */
  readonly sharedWith?: CutName;
}

export interface SeedEnumeration {
  readonly seed: number;
  /** Durable writes of the uncut run (its body), and of every recovery cut in turn. */
  readonly writes: number;
  readonly recoveryWrites: number;
  /** States judged, by depth: [single crashes, double faults]. */
  readonly states: number;
  readonly statesByDepth: readonly number[];
  /** Distinct durable states among them (by content digest). */
  readonly digests: ReadonlySet<string>;
  /** States whose future had a violation, and the first of them (in enumeration order). */
  readonly violations: number;
  readonly firstViolation: StateOutcome | null;
  /** The uncut run, when it failed by itself (a deadlock, a harness error): no state is enumerated then. */
  readonly baseFailure: UniverseResult | null;
  /** Scheduler steps over the uncut run and every future. */
  readonly steps: number;
  /** Whether a checkpoint stopped it before every state was judged. */
  readonly stopped: boolean;
  /** Futures run, and states that shared an equivalent state's future instead. */
  readonly futures: number;
  readonly shared: number;
  /**
   * Failing states the reduction would have shared that passed when run on their own: the
   * reduction's equivalence did not hold there (expected 0; reported so it is never silent).
   */
  readonly mismatches: number;
  /** The failpoint windows the uncut run and the futures reached and armed, and those a cut fell in (the writer's window). */
  readonly windows: UniverseWindows;
}

/** Runs the uncut universe of `seed`, recording its durable writes. */
export async function runUncut(options: Pick<EnumerationOptions, "spec" | "fixes" | "seed" | "strategy" | "storageFaults">): Promise<{ world: World; result: UniverseResult }> {
  const { spec } = options;
  const crashes = spec.crashes;
  if (!crashes) throw new Error(`${spec.name} has no crash states to enumerate (no recovery to judge)`);
  const world = new World({
    seed: options.seed,
    fixes: options.fixes,
    strategy: options.strategy ?? randomStrategy,
    backend: virtualBackend,
    recordCuts: true,
    // The uncut run suffers no crash or planned failpoint fault of its own: every state is one cut.
    crashBudget: 0,
    faultBudget: 0,
    ...(spec.crashHorizon !== undefined ? { crashHorizon: spec.crashHorizon } : {}),
    ...(spec.maxSteps !== undefined ? { maxSteps: spec.maxSteps } : {}),
    ...(options.storageFaults ?? spec.storageFaults ? { storageFaults: (options.storageFaults ?? spec.storageFaults)! } : {}),
  });
  const result = await runInWorld(world, {}, (w) => crashes.base(w));
  return { world, result };
}

/** The state at the end of a finished run: every actor ended, nothing died. */
export function endOf(world: World, result: UniverseResult): RunEnd {
  // The uncut run's trace ends with its verdict, which is no part of what a future inherits.
  return { store: snapshotOf(world), traceLength: result.trace.length - 1, clockMs: world.clock.now(), stepCount: world.sched.stepCount };
}

function snapshotOf(world: World) {
  const store = world.backend.storage as { snapshot?: () => CrashState["store"] };
  if (!store.snapshot) throw new Error("crash states need the virtual store");
  return store.snapshot();
}

/** The steps of every state below a parent with `writes` durable writes, in enumeration order. */
export function stepsOf(writes: number, withEnd: boolean): CutStep[] {
  const steps: CutStep[] = [];
  for (let k = 1; k <= writes; k++) steps.push({ write: k, side: "before" }, { write: k, side: "after" });
  if (withEnd) steps.push({ write: "end" });
  return steps;
}

/** Runs the future of `state` (forked from `parent`); `recordCuts`: record its recovery's writes, to cut in turn. */
export async function runFuture(spec: UniverseSpec, parent: World, state: CrashState, recordCuts: boolean): Promise<UniverseResult> {
  const crashes = spec.crashes!;
  const world = forkWorld(parent, state, { recordCuts, ...(spec.maxSteps !== undefined ? { maxSteps: spec.maxSteps } : {}) });
  return runInWorld(world, spec, (w) => crashes.after(w, parent, state));
}

export async function enumerateSeed(options: EnumerationOptions): Promise<SeedEnumeration> {
  const { spec } = options;
  const crashes = spec.crashes!;
  const maxDepth = Math.min(options.depth ?? MAX_CUT_DEPTH, MAX_CUT_DEPTH);
  const uncut = await runUncut(options);
  const base = uncut.world;
  const statesByDepth = [0, 0];
  const digests = new Set<string>();
  let steps = uncut.result.steps;
  let violations = 0;
  let firstViolation: StateOutcome | null = null;
  let recoveryWrites = 0;
  let stopped = false;
  const baseWindows = windowsOf(base.trace.events());
  const reached = new Set(baseWindows.reached);
  const armed = new Set(baseWindows.armed);
  const crashed = new Set(baseWindows.crashed);
  const windows: UniverseWindows = { reached, armed, crashed };
  if (uncut.result.verdict === "fail") {
    return { seed: options.seed, writes: base.cuts!.writes.length, recoveryWrites, states: 0, statesByDepth, digests, violations: 0, firstViolation: null, baseFailure: uncut.result, steps, stopped, windows, futures: 0, shared: 0, mismatches: 0 };
  }
  const hitsOf = new WeakMap<World, FailpointHits>([[base, new FailpointHits(base.trace.events())]]);
  const reduce = options.reduction ?? true;
  let futures = 0;
  let shared = 0;
  let mismatches = 0;
  const count = (outcome: StateOutcome, depth: number) => {
    statesByDepth[depth - 1]!++;
    digests.add(outcome.digest);
    if (outcome.result.verdict === "fail") {
      violations++;
      firstViolation ??= outcome;
    }
    options.onState?.(outcome);
  };
  /** Runs `state`'s own future and counts it. */
  const judge = async (parent: World, state: CrashState, depth: number): Promise<StateOutcome> => {
    const result = await runFuture(spec, parent, state, depth < maxDepth);
    futures++;
    // A fork's step count starts where its parent's stood at the cut.
    steps += result.steps - state.stepCount;
    const own = windowsOf(result.trace.events(), state.traceLength);
    for (const w of own.reached) reached.add(w);
    for (const w of own.armed) armed.add(w);
    const outcome: StateOutcome = { name: state.name, digest: stateDigest(state.store), result, write: state.write };
    count(outcome, depth);
    return outcome;
  };
  /**
   * `state` shares the future of `equivalent` (see `futureKey`): counted with its verdict. A
   * failing one runs its own future after all, so that what is reported is what its cut replays.
   */
  const share = async (parent: World, state: CrashState, equivalent: StateOutcome, depth: number): Promise<StateOutcome> => {
    if (equivalent.result.verdict === "fail") {
      const own = await judge(parent, state, depth);
      if (own.result.verdict !== "fail") mismatches++;
      return own;
    }
    shared++;
    const outcome: StateOutcome = { name: state.name, digest: stateDigest(state.store), result: equivalent.result, write: state.write, sharedWith: equivalent.name };
    count(outcome, depth);
    return outcome;
  };
  const keyOf = (parent: World, state: CrashState) => futureKey(state, crashes.historyKey?.(parent, state.traceLength) ?? null);
  /** Each state's outcome, and its double faults' outcomes (a state sharing its future shares theirs too). */
  type Judged = { readonly outcome: StateOutcome; readonly children: readonly StateOutcome[]; readonly recoveryWrites: number };
  const walk = async (parent: World, parentName: CutName | null, writes: readonly DurableWrite[], end: RunEnd | null, depth: number): Promise<StateOutcome[]> => {
    // Only a recovery's walk hands its outcomes back (its parent state shares them); the top
    // walk's would keep every future's world alive to the end of the seed, for nothing.
    const all: StateOutcome[] = [];
    const collect = depth > 1;
    let previous: { key: string | null; judged: Judged } | null = null;
    for (const step of stepsOf(writes.length, end !== null)) {
      if (stopped) break;
      const state = stateAt(parentName, step, writes, end)!;
      const cutIn = state.write ? hitsOf.get(parent)?.windowAt(state.write.actor, state.write.traceBefore) : null;
      if (cutIn) crashed.add(cutIn);
      const key = reduce ? keyOf(parent, state) : null;
      let judged: Judged;
      if (previous && key !== null && key === previous.key) {
        const outcome = await share(parent, state, previous.judged.outcome, depth);
        const children: StateOutcome[] = [];
        for (const child of previous.judged.children) {
          const name = [...state.name, child.name[depth]!] as unknown as CutName;
          const renamed: StateOutcome = { ...child, name, sharedWith: child.sharedWith ?? child.name };
          if (child.result.verdict === "fail") {
            // Replayable by its own name: run it for real, from this state's own future.
            children.push(...(await rerunChild(parent, state, depth, child)));
          } else {
            shared++;
            count(renamed, depth + 1);
            children.push(renamed);
          }
        }
        judged = { outcome, children, recoveryWrites: previous.judged.recoveryWrites };
        recoveryWrites += judged.recoveryWrites;
      } else {
        const outcome = await judge(parent, state, depth);
        const fork = outcome.result.world;
        let children: StateOutcome[] = [];
        const own = depth < maxDepth ? (fork.cuts?.writes.length ?? 0) : 0;
        recoveryWrites += own;
        if (depth < maxDepth && fork.cuts) {
          if (fork.cuts.writes.length > 0) hitsOf.set(fork, new FailpointHits(fork.trace.events(), state.traceLength));
          // The recovery's own writes, each cut in turn; its end is the single crash's own future.
          children = await walk(fork, state.name, fork.cuts.writes, null, depth + 1);
        }
        judged = { outcome, children, recoveryWrites: own };
      }
      if (collect) all.push(judged.outcome, ...judged.children);
      previous = { key, judged };
      if (options.checkpoint && (await options.checkpoint())) stopped = true;
    }
    return all;
  };
  /** A failing double fault of a state that shared its future: its own future, and its child cut on it. */
  const rerunChild = async (parent: World, state: CrashState, depth: number, child: StateOutcome): Promise<StateOutcome[]> => {
    const own = await runFuture(spec, parent, state, true);
    steps += own.steps - state.stepCount;
    const step = child.name[depth]!;
    const childState = stateAt(state.name, step, own.world.cuts?.writes ?? [], null);
    if (!childState) {
      mismatches++;
      return [];
    }
    const outcome = await judge(own.world, childState, depth + 1);
    if (outcome.result.verdict !== "fail") mismatches++;
    return [outcome];
  };
  await walk(base, null, base.cuts!.writes, endOf(base, uncut.result), 1);
  return {
    seed: options.seed,
    writes: base.cuts!.writes.length,
    recoveryWrites,
    states: statesByDepth[0]! + statesByDepth[1]!,
    statesByDepth,
    digests,
    violations,
    firstViolation,
    baseFailure: null,
    steps,
    stopped,
    windows,
    futures,
    shared,
    mismatches,
  };
}

/** A state's name as reports print it. */
export const cutLabel = (name: CutName) => formatCut(name);

/**
 * What a state's future depends on, beyond timestamps and ids: its durable state (the store's
 * parts, by identity), the processes that die there, and the history as the cut leaves it (the
 * operations begun and ended by then, `historyKey`). Two consecutive states with equal keys (the
 * state just after write k and the one just before write k+1, when nothing between them began or
 * ended an operation or an actor) run the same future; only the reads between them differ, and
 * they are in the `end` state's judgement. Null: not comparable (no history key).
 */
export function futureKey(state: CrashState, historyKey: string | null): string | null {
  if (historyKey === null || state.write === null) return null;
  const ids = partIds(state.store);
  const dying = state.dying.map((p) => `${p.proc}:${p.actors.join(",")}`).join(";");
  return `${ids}|${dying}|${historyKey}`;
}

const partNumbers = new WeakMap<object, number>();
let nextPart = 1;
function partId(part: object | null): number {
  if (part === null) return 0;
  let n = partNumbers.get(part);
  if (n === undefined) partNumbers.set(part, (n = nextPart++));
  return n;
}

function partIds(store: CrashState["store"]): string {
  return `${partId(store.datasets)}.${partId(store.manifest)}.${partId(store.objects)}`;
}
