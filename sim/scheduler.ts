// The scheduler: actors are plain async functions; a scheduling point is an `await` on the
// scheduler. It grants one waiting actor at a time and then waits until that actor reaches its
// next point or finishes (exact quiescence). Only the granted actor ever runs, so whoever makes
// a scheduling point is `current`.
//
// An actor that neither reaches a point nor finishes within ESCAPE_TURNS microtask turns has
// awaited something the world does not own (a timer, real I/O); the universe stops with an
// escape naming the actor and its last step instead of hanging.
//
// The loop is driven by plain callbacks, not async/await: after a grant, one microtask (`watch`)
// re-queues itself each turn until the actor signals, then picks the next actor in the same turn.
// A scheduling point therefore costs one promise (the actor's own) and a few queued callbacks; the
// turns and their order are those of an awaiting loop, so schedules and traces are unchanged.
import type { FailpointName } from "../failpoints/catalog.ts";
import type { FailpointHost, HitDecision } from "../failpoints/registry.ts";
import type { VirtualClock } from "./clock.ts";
import { faultChoices, type PlannedFault, plannedFaultOf } from "./fault-plan.ts";
import { NO_FOOTPRINT, type StepInfo } from "./step.ts";
import { DEFAULT_CRASH_HORIZON } from "./strategies/crash-plan.ts";
import type { ActorView, StepDecision, StepOption, Strategy } from "./strategy.ts";
import { decode } from "./tape.ts";
import { describeError, type Trace } from "./trace.ts";

/** Microtask turns a granted actor may take between two scheduling points. */
export const ESCAPE_TURNS = 20_000;

/**
 * A settled promise: `SETTLED.then(f)` runs `f` one microtask turn later. (Node's own
 * microtask-queueing call costs more: it wraps every callback in an async resource.)
 */
const SETTLED: Promise<void> = Promise.resolve();

/**
 * A promise that never settles: what a crashed actor waits on forever. A fresh one each time:
 * an actor awaiting it is then garbage once its universe is, whereas one shared promise would
 * keep every such actor (and its whole universe) reachable for the life of the process.
 */
const never = (): Promise<never> => new Promise<never>(() => {});

export class Process {
  alive = true;
  /** In-memory state shared by the handles of this process (dropped on crash). */
  readonly local = new Map<string, unknown>();
  /** Actors of this process, directors aside, that have not ended: a crash can still hit one. */
  liveActors = 0;
  /** This process's crash option, made once. */
  readonly crashOption: StepOption;

  constructor(
    readonly id: number,
    readonly name: string,
    /** Whether the search may crash this process as a scheduler choice. */
    readonly crashable: boolean,
    /**
     * Whether the fault plan must never strike it, even in a universe where it may strike every
     * actor (`fault-reach.ts`): a scenario whose premise is one scripted fault in this process
     * (a control about one window) says so, so another bug's road stays out of its verdict.
     */
    readonly shielded = false,
  ) {
    this.crashOption = Object.freeze({ kind: "crash", procId: id, procName: name });
  }
}

export type ActorStatus = "waiting" | "running" | "done" | "failed" | "dead";

export type ActorOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** An actor's scheduling point; it doubles as the grant option strategies are offered. */
class Pending {
  readonly kind = "grant";

  constructor(
    readonly actor: Actor,
    readonly step: StepInfo,
    /** Resumes the actor (with what `effect` returned, when there is one). */
    private readonly settle: (value?: unknown) => void,
    /** Runnable only while this holds (locks, parked failpoints, the director's waits). */
    readonly ready: (() => boolean) | null,
    /** Runnable only from this virtual time on (sleeps). */
    readonly wakeAt: number | null,
    /**
     * `pointWith`'s effect, run at the grant before the actor resumes, and where it throws, the
     * actor's rejection. Fields of the point rather than a closure over them: one object fewer
     * per storage call.
     */
    private readonly effect: (() => unknown) | null = null,
    private readonly fail: ((error: unknown) => void) | null = null,
  ) {}

  resume(): void {
    const effect = this.effect;
    if (effect === null) {
      this.settle();
      return;
    }
    let value: unknown;
    try {
      value = effect();
    } catch (e) {
      this.fail!(e);
      return;
    }
    this.settle(value);
  }
}

export class Actor implements ActorView {
  status: ActorStatus = "waiting";
  pending: Pending | null = null;
  lastStep = "start";
  steps = 0;
  /** Offered a step at some decision of the strategy. */
  offered = false;
  /** Virtual time from which its pending step could run: -1 while that waits on a condition (a lock, a park). */
  runnableSince = 0;
  outcome: ActorOutcome | undefined;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly proc: Process,
    /** A director runs whenever it can, ahead of any choice: scripted scenarios use one. */
    readonly director: boolean,
  ) {}

  get procId(): number {
    return this.proc.id;
  }

  /** Finished, failed or crashed: it will never run again. */
  get ended(): boolean {
    return this.status === "done" || this.status === "failed" || this.status === "dead";
  }

  /** Whether its pending step waits on something not yet true at `now` (a sleep, a lock, a park). */
  waitsAt(now: number): boolean {
    const p = this.pending;
    return p !== null && ((p.wakeAt !== null && p.wakeAt > now) || (p.ready !== null && !p.ready()));
  }
}

/** What a setup that only the director ran leaves in the scheduler (see `World.captureSetup`). */
export interface SchedulerSetupState {
  readonly stepCount: number;
  readonly directorSteps: number;
  readonly directorLastStep: string;
  /** Processes the setup made, after the director's, in order. */
  readonly processes: readonly { readonly name: string; readonly crashable: boolean; readonly shielded: boolean }[];
  /** The execution fingerprint so far (the director's grants). */
  readonly digest: readonly [number, number];
}

export type SchedulerOutcome =
  /** Every actor finished or died. */
  | { readonly kind: "quiescent" }
  /** Nobody can run, yet some actors wait: on a lock, a parked failpoint or a condition. */
  | { readonly kind: "deadlock"; readonly blocked: readonly { actor: string; step: string }[] }
  /** An actor awaited something outside the world. */
  | { readonly kind: "escape"; readonly actor: string; readonly lastStep: string }
  /** The step budget ran out (a livelock, or a scenario that never ends). */
  | { readonly kind: "step-limit"; readonly steps: number };

export interface SchedulerOptions {
  readonly clock: VirtualClock;
  readonly trace: Trace;
  readonly strategy: Strategy;
  /** How many crashes the search may choose; scripted crashes and failpoint crashes are extra. */
  readonly crashBudget?: number;
  /** How many faults the seeded fault plan may inject at failpoints (`sim/fault-plan.ts`). */
  readonly faultBudget?: number;
  /** Whether the fault plan may strike any actor the scenario spawned, not only crashable processes' (`fault-reach.ts`). */
  readonly faultsEverywhere?: boolean;
  /** Durable writes of a typical process: scales how rarely a planned fault strikes a hit. */
  readonly crashHorizon?: number;
  readonly maxSteps?: number;
  /**
   * Virtual time an actor may stay runnable without a grant before its grant notes a `stall`
   * (null: never). A strategy may keep a runnable actor waiting while the others' steps move the
   * clock (PCT's lowest priority, for thousands of steps): past a lease that is a pause like a
   * latency fault's, which the fault judge reads as one (`sim/faults/judge.ts`).
   */
  readonly stallNoticeMs?: number | null;
}

export class Scheduler implements FailpointHost {
  readonly actors: Actor[] = [];
  readonly processes: Process[] = [];
  /** Every choice made, in order: the tape that replays this run. */
  readonly tape: number[] = [];
  current: Actor | null = null;
  stepCount = 0;
  crashesChosen = 0;
  /** Step decisions put to the strategy (PCT's k counts these). */
  stepDecisions = 0;
  /** Distinct actors offered a step at a decision (PCT's n counts these). */
  actorsOffered = 0;
  /** Two running 32-bit hashes of every grant, crash and data choice: see `executionDigest`. */
  private digestA = 0x811c9dc5;
  private digestB = 0x01000193;

  private readonly clock: VirtualClock;
  private readonly trace: Trace;
  private readonly strategy: Strategy;
  private readonly crashBudget: number;
  private readonly faultBudget: number;
  private faultsPlanned = 0;
  private readonly faultsEverywhere: boolean;
  private readonly faultChoices: number;
  private readonly maxSteps: number;
  private readonly stallNoticeMs: number | null;
  private lastRun: Actor | null = null;
  private signal = false;
  private externalWait: Promise<unknown> | null = null;
  private escaped: { actor: string; lastStep: string } | null = null;
  private closed = false;
  /** Microtask turns the granted actor has taken since its grant. */
  private turns = 0;
  /** `runnable()`'s list: its first `runnable()` entries are the actors that can step now. */
  private readonly runnableNow: Actor[] = [];
  /** Settles `run()`'s promise. */
  private finished: ((outcome: SchedulerOutcome) => void) | null = null;

  constructor(options: SchedulerOptions) {
    this.clock = options.clock;
    this.trace = options.trace;
    this.strategy = options.strategy;
    this.crashBudget = options.crashBudget ?? 0;
    this.faultBudget = options.faultBudget ?? 0;
    this.faultsEverywhere = options.faultsEverywhere ?? false;
    this.faultChoices = faultChoices(options.crashHorizon ?? DEFAULT_CRASH_HORIZON);
    this.maxSteps = options.maxSteps ?? 200_000;
    this.stallNoticeMs = options.stallNoticeMs ?? null;
  }

  newProcess(name: string, crashable = false, shielded = false): Process {
    const p = new Process(this.processes.length + 1, name, crashable, shielded);
    this.processes.push(p);
    this.trace.emit({ e: "process", proc: name, crashable });
    return p;
  }

  /**
   * The scheduler's state after a setup, or null when the setup was more than the director
   * stepping alone (a choice, a decision, another actor, a crash): such a setup cannot be reused.
   */
  setupState(): SchedulerSetupState | null {
    const director = this.actors[0];
    const plain =
      this.actors.length === 1 &&
      director?.director === true &&
      this.current === director &&
      this.tape.length === 0 &&
      this.stepDecisions === 0 &&
      this.crashesChosen === 0 &&
      this.processes.every((p) => p.alive);
    if (!plain || !director) return null;
    return {
      stepCount: this.stepCount,
      directorSteps: director.steps,
      directorLastStep: director.lastStep,
      processes: this.processes.slice(1).map((p) => ({ name: p.name, crashable: p.crashable, shielded: p.shielded })),
      digest: [this.digestA, this.digestB],
    };
  }

  /**
   * Puts the scheduler where `state`'s setup left it, without tracing anything (the setup's
   * events are appended as they were). Only right after the director's first step.
   */
  restoreSetupState(state: SchedulerSetupState): void {
    const director = this.actors[0];
    if (this.actors.length !== 1 || this.processes.length !== 1 || this.stepCount !== 1 || this.current !== director || !director) {
      throw new Error("a setup can be restored only at the director's first step");
    }
    for (const p of state.processes) this.processes.push(new Process(this.processes.length + 1, p.name, p.crashable, p.shielded));
    this.stepCount = state.stepCount;
    director.steps = state.directorSteps;
    director.lastStep = state.directorLastStep;
    [this.digestA, this.digestB] = state.digest;
  }

  /** Adds an actor; it starts when first granted. */
  spawn(proc: Process, name: string, fn: () => Promise<unknown>, options: { director?: boolean } = {}): Actor {
    const a = new Actor(this.actors.length + 1, this.uniqueName(name), proc, options.director ?? false);
    this.actors.push(a);
    this.trace.emit({ e: "spawn", actor: a.name, proc: proc.name });
    if (!proc.alive) {
      a.status = "dead";
      return a;
    }
    if (!a.director) proc.liveActors++;
    a.pending = new Pending(a, START, () => this.start(a, fn), null, null);
    a.runnableSince = this.clock.now();
    return a;
  }

  /** A scheduling point for the current actor, before `step` takes effect. */
  point(step: StepInfo): Promise<void> {
    return this.suspend(this.requireCurrent(step.label), step, null, null);
  }

  /**
   * A scheduling point whose effect runs the moment the actor is granted, before it resumes:
   * the promise settles with what `effect` returns or throws. (One promise for the point and
   * its effect together: the virtual store's calls take this path.)
   */
  pointWith<T>(step: StepInfo, effect: () => T): Promise<T> {
    const a = this.requireCurrent(step.label);
    if (this.closed || !a.proc.alive) return never();
    if (a.pending) throw new Error(`actor ${a.name} made two scheduling points at once (${step.label})`);
    return new Promise<T>((resolve, reject) => {
      a.pending = new Pending(a, step, resolve as (value?: unknown) => void, null, null, effect, reject);
      a.runnableSince = this.clock.now();
      a.status = "waiting";
      this.signal = true;
    });
  }

  /** A scheduling point at which the current actor waits until `ready()` holds. */
  waitUntil(step: StepInfo, ready: () => boolean): Promise<void> {
    return this.suspend(this.requireCurrent(step.label), step, ready, null);
  }

  /** A scheduling point at which the current actor sleeps `ms` of virtual time. */
  sleep(ms: number): Promise<void> {
    const at = this.clock.now() + ms;
    return this.suspend(this.requireCurrent("sleep"), { label: `sleep ${ms}ms`, footprint: NO_FOOTPRINT }, null, at);
  }

  /**
   * The current actor awaits real I/O on the scheduler's behalf (the Lance backend). The
   * scheduler waits for it instead of counting it as an escape; one call runs at a time.
   */
  external<T>(work: Promise<T>): Promise<T> {
    this.requireCurrent("external call");
    this.externalWait = work.then(
      () => undefined,
      () => undefined,
    );
    return work;
  }

  /** FailpointHost: a failpoint hit is a scheduling point, traced with its decision. */
  failpointHit(name: FailpointName, decision: HitDecision, released: () => boolean, planned: boolean): Promise<void> {
    const step = failpointStep(name);
    const a = this.requireCurrent(step.label);
    this.trace.emit({ e: "failpoint", actor: a.name, name, decision, ...(planned ? { planned } : {}) });
    if (decision === "error" || decision === "crash") this.mix(0x10000000 + hashName(name) + (decision === "crash" ? 1 : 0));
    if (decision === "crash") {
      this.crash(a.proc, `failpoint ${name}`);
      return never();
    }
    return this.suspend(a, step, decision === "park" ? released : null, null);
  }

  /** FailpointHost: the seeded fault plan, for actors of processes the search may crash (in some universes, of any the scenario spawned). */
  plannedFault(name: FailpointName): PlannedFault | null {
    const a = this.current;
    if (this.faultsPlanned >= this.faultBudget || !a) return null;
    // A process the scenario marks crashable; in some universes, any actor it spawned.
    if (a.proc.shielded || (!a.proc.crashable && (a.director || !this.faultsEverywhere))) return null;
    const planned = plannedFaultOf(this.chooseData(`fault at ${name}`, this.faultChoices, true), this.faultChoices);
    // A process the scenario does not let die is only failed: its director may go on using it.
    const fault = planned === "crash" && !a.proc.crashable ? "error" : planned;
    if (fault) this.faultsPlanned++;
    return fault;
  }

  /**
   * Kills `proc`: its actors stay where they wait and never resume (no `finally` of theirs
   * runs), and its in-memory state is dropped. Durable storage keeps what was committed.
   */
  crash(proc: Process, cause: string): void {
    if (!proc.alive) return;
    proc.alive = false;
    this.mix(0x20000000 + proc.id);
    proc.local.clear();
    const killed: string[] = [];
    for (const a of this.actors) {
      if (a.proc !== proc || a.ended) continue;
      a.status = "dead";
      a.pending = null;
      killed.push(a.name);
      if (this.current === a) this.signal = true;
    }
    proc.liveActors = 0;
    this.trace.emit({ e: "crash", proc: proc.name, cause, killed });
  }

  /** A choice the scenario makes: a value in [0, n), recorded on the tape when n > 1. */
  chooseData(label: string, n: number, bounded = false): number {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`choice over ${n} options: ${label}`);
    if (n === 1) return 0;
    const ordinal = this.tape.length;
    const v = decode(this.strategy.chooseData(bounded ? { ordinal, label, n, bounded } : { ordinal, label, n }), n);
    this.tape.push(v);
    // A fault-plan choice changes the execution only if the fault fires (mixed in below).
    if (!bounded) this.mix(0x40000000 + v);
    this.trace.emit({ e: "choose", label, n, v });
    return v;
  }

  /**
   * A fingerprint of this run's execution: the sequence of actors granted, processes crashed,
   * the scenario's data choices and the faults that fired (a planned fault that never fires
   * leaves the execution as it was). Two universes with the same fingerprint ran the same execution; a
   * search counts distinct fingerprints to show it explored more than one.
   */
  executionDigest(): string {
    return (this.digestA >>> 0).toString(16).padStart(8, "0") + (this.digestB >>> 0).toString(16).padStart(8, "0");
  }

  private mix(x: number): void {
    this.digestA = Math.imul(this.digestA ^ x, 0x01000193);
    this.digestB = Math.imul(this.digestB ^ x, 0x5bd1e995) ^ (this.digestB >>> 15);
  }

  /** Runs until nothing can run. */
  run(): Promise<SchedulerOutcome> {
    return new Promise<SchedulerOutcome>((resolve) => {
      this.finished = resolve;
      this.loop();
    });
  }

  /** Decides and grants; returns once a grant is under way (its `watch` comes back here) or the run ended. */
  private loop(): void {
    for (;;) {
      if (this.escaped) return this.end({ kind: "escape", ...this.escaped });
      if (this.stepCount >= this.maxSteps) return this.end(this.stop({ kind: "step-limit", steps: this.stepCount }));
      const runnable = this.runnable();
      if (runnable === 0) {
        const wake = this.nextWake();
        if (wake !== null) {
          this.clock.advanceTo(wake);
          continue;
        }
        const blocked = this.actors
          .filter((a) => a.status === "waiting")
          .map((a) => ({ actor: a.name, step: a.pending?.step.label ?? a.lastStep }));
        return this.end(this.stop(blocked.length ? { kind: "deadlock", blocked } : { kind: "quiescent" }));
      }
      const next = this.decide(runnable);
      if (next) {
        this.grant(next);
        return;
      }
    }
  }

  private end(outcome: SchedulerOutcome): void {
    const finished = this.finished;
    this.finished = null;
    finished?.(outcome);
  }

  private stop(outcome: SchedulerOutcome): SchedulerOutcome {
    this.closed = true;
    return outcome;
  }

  /** Picks the next of the `runnable` actors in `runnableNow`, or crashes a process (and returns null). */
  private decide(runnable: number): Actor | null {
    const actors = this.runnableNow;
    for (let i = 0; i < runnable; i++) if (actors[i]!.director) return actors[i]!;
    const crashes = this.crashOptionCount();
    // One runnable actor and no crash to offer: the only option, without making the list.
    if (runnable === 1 && crashes === 0) return actors[0]!;
    const options = this.options(runnable, crashes);
    const ordinal = this.tape.length;
    this.stepDecisions++;
    for (const o of options) {
      if (o.kind === "grant" && !(o.actor as Actor).offered) {
        (o.actor as Actor).offered = true;
        this.actorsOffered++;
      }
    }
    const d: StepDecision = { ordinal, stepCount: this.stepCount, options };
    const i = decode(this.strategy.chooseStep(d), options.length);
    this.tape.push(i);
    const chosen = options[i]!;
    if (chosen.kind === "grant") return chosen.actor as Actor;
    this.crashesChosen++;
    this.crash(this.processes[chosen.procId - 1]!, "scheduler choice");
    return null;
  }

  /** The actor that ran last first (if it still can), then the others in id order, then crashes. */
  private options(runnable: number, crashes: number): StepOption[] {
    const actors = this.runnableNow;
    const last = this.lastRun;
    let lastRunnable = false;
    for (let i = 0; i < runnable; i++) if (actors[i] === last) lastRunnable = true;
    // Made at its size and filled in order, not grown by pushes.
    const options = new Array<StepOption>(runnable + crashes);
    let n = 0;
    if (lastRunnable) options[n++] = last!.pending!;
    for (let i = 0; i < runnable; i++) {
      const a = actors[i]!;
      if (a !== last || !lastRunnable) options[n++] = a.pending!;
    }
    if (crashes > 0) {
      for (const p of this.processes) if (crashOffered(p)) options[n++] = p.crashOption;
    }
    return options;
  }

  /** How many processes the search may crash at this decision (none once its crash budget is spent). */
  private crashOptionCount(): number {
    if (this.crashesChosen >= this.crashBudget) return 0;
    let n = 0;
    for (const p of this.processes) if (crashOffered(p)) n++;
    return n;
  }

  /**
   * How many actors can take a step now; they are the first that many of `runnableNow`, in id
   * order. One list, overwritten at every decision and never shortened (it never leaves the
   * scheduler: strategies are offered `options`), so a step allocates none: a list emptied and
   * refilled would get a new backing store each time.
   */
  private runnable(): number {
    const now = this.clock.now();
    const out = this.runnableNow;
    let n = 0;
    for (const a of this.actors) {
      if (a.status === "waiting" && a.pending && !a.waitsAt(now)) {
        if (n < out.length) out[n] = a;
        else out.push(a);
        n++;
      }
    }
    return n;
  }

  private nextWake(): number | null {
    let best: number | null = null;
    for (const a of this.actors) {
      const w = a.status === "waiting" ? a.pending?.wakeAt : null;
      if (w != null && (a.pending!.ready === null || a.pending!.ready())) best = best === null ? w : Math.min(best, w);
    }
    return best;
  }

  private grant(a: Actor): void {
    const p = a.pending!;
    a.pending = null;
    a.status = "running";
    a.lastStep = p.step.label;
    a.steps++;
    this.stepCount++;
    this.mix(a.id);
    this.current = a;
    this.lastRun = a;
    this.signal = false;
    if (this.stallNoticeMs !== null && !a.director && a.runnableSince >= 0) {
      const waited = this.clock.now() - a.runnableSince;
      if (waited > this.stallNoticeMs) this.trace.emit({ e: "stall", actor: a.name, proc: a.proc.name, step: p.step.label, ms: waited });
    }
    this.clock.advance(1);
    this.trace.emit({ e: "grant", n: this.stepCount, actor: a.name, step: p.step.label });
    p.resume();
    this.turns = 0;
    void SETTLED.then(this.watch);
  }

  /**
   * One microtask turn of the granted actor: once it has reached its next point, finished or
   * died, the next decision is made right here; real I/O is waited for; too many turns without
   * either is an escape.
   */
  private readonly watch = (): void => {
    if (this.signal) {
      this.current = null;
      this.loop();
      return;
    }
    if (this.externalWait) {
      const w = this.externalWait;
      this.externalWait = null;
      void w.then(() => {
        this.turns = 0;
        this.watch();
      });
      return;
    }
    if (++this.turns > ESCAPE_TURNS) {
      const a = this.current!;
      this.escaped = { actor: a.name, lastStep: a.lastStep };
      this.trace.emit({ e: "escape", actor: a.name, lastStep: a.lastStep });
      this.closed = true;
      this.current = null;
      this.loop();
      return;
    }
    void SETTLED.then(this.watch);
  };

  private suspend(a: Actor, step: StepInfo, ready: (() => boolean) | null, wakeAt: number | null): Promise<void> {
    if (this.closed || !a.proc.alive) return never();
    if (a.pending) throw new Error(`actor ${a.name} made two scheduling points at once (${step.label})`);
    return new Promise<void>((resume) => {
      a.pending = new Pending(a, step, resume as (value?: unknown) => void, ready, wakeAt);
      a.runnableSince = ready !== null ? -1 : (wakeAt ?? this.clock.now());
      a.status = "waiting";
      this.signal = true;
    });
  }

  private start(a: Actor, fn: () => Promise<unknown>): void {
    let run: Promise<unknown>;
    try {
      run = fn();
    } catch (e) {
      run = Promise.reject(e);
    }
    run.then(
      (value) => this.finish(a, { ok: true, value }),
      (error) => this.finish(a, { ok: false, error }),
    );
  }

  private finish(a: Actor, outcome: ActorOutcome): void {
    if (a.status === "dead" || this.closed) return;
    a.status = outcome.ok ? "done" : "failed";
    if (!a.director) a.proc.liveActors--;
    a.outcome = outcome;
    this.trace.emit(
      outcome.ok ? { e: "finish", actor: a.name } : { e: "fail", actor: a.name, error: describeError(outcome.error) },
    );
    if (this.current === a) this.signal = true;
  }

  private requireCurrent(what: string): Actor {
    const a = this.current;
    if (!a) throw new Error(`scheduling point outside any actor: ${what}`);
    return a;
  }

  private uniqueName(name: string): string {
    if (!this.actors.some((a) => a.name === name)) return name;
    let i = 2;
    while (this.actors.some((a) => a.name === `${name}#${i}`)) i++;
    return `${name}#${i}`;
  }
}

/** Whether a crash of `p` is an option: alive, crashable, with an actor it would kill. */
function crashOffered(p: Process): boolean {
  return p.alive && p.crashable && p.liveActors > 0;
}

/** A small hash of a failpoint name, for the execution fingerprint. */
function hashName(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) & 0xffffff;
  return h << 1;
}

const START: StepInfo = { label: "start", footprint: NO_FOOTPRINT };

/** Each failpoint's step, made once: it depends on the name alone, and a hit is a scheduling point. */
const failpointSteps = new Map<FailpointName, StepInfo>();

function failpointStep(name: FailpointName): StepInfo {
  let step = failpointSteps.get(name);
  if (step === undefined) {
    // A hit counts against the failpoint's armed action (skip, times, park), which every process
    // shares: two hits of one failpoint do not commute.
    const footprint = Object.freeze({ reads: Object.freeze([]), writes: Object.freeze([`fp:${name}`]) });
    step = Object.freeze({ label: `failpoint ${name}`, footprint });
    failpointSteps.set(name, step);
  }
  return step;
}
