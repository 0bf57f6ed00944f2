// A universe: one seeded world with its clock, ids, failpoint registry, scheduler, trace and
// storage. Scenarios build their actors on it; nothing is shared between two worlds, so many
// can run interleaved in one process.
import type { Env, WorldPort } from "../engine/env.ts";
import type { Fixes } from "../engine/fixes.ts";
import { LEASE_TTL_MS } from "../engine/lease/lease.ts";
import type { Storage } from "../engine/storage/types.ts";
import { FailpointRegistry } from "../failpoints/registry.ts";
import { VirtualClock } from "./clock.ts";
import { SeededIds, UniverseIds } from "./ids.ts";
import { ScheduledStorage } from "./scheduled-storage.ts";
import { type Actor, type Process, Scheduler, type SchedulerOutcome, type SchedulerSetupState } from "./scheduler.ts";
import { SeedTree } from "./seed.ts";
import { faultsEverywhere } from "./fault-reach.ts";
import { NO_FOOTPRINT } from "./step.ts";
import type { Strategy } from "./strategy.ts";
import { type StoreSnapshot, VirtualStore } from "./store/virtual-store.ts";
import { CutRecorder } from "./cuts/recorder.ts";
import { StorageFaultPlan, type StorageFaultOptions, type StruckFault } from "./faults/plan.ts";
import type { Excused } from "./faults/judge.ts";
import { Trace, type TraceEvent } from "./trace.ts";
import type { FailpointName } from "../failpoints/catalog.ts";
import type { Violation } from "./violations.ts";

/** A storage backend as the world needs it: the raw store, and whether its I/O is real. */
export interface Backend {
  readonly storage: Storage;
  /** Real I/O (Lance): the scheduler awaits each call instead of counting microtask turns. */
  readonly external: boolean;
  /** The graph root handed to the engine (never recorded in the trace). */
  readonly root: string;
  /**
   * Called once when the universe is over, after the oracles ran: closes connections and
   * removes a real backend's directory. The virtual store has nothing to dispose.
   */
  dispose?(): Promise<void>;
}

/** The id stream every setup draws from, whatever the universe's seed. */
const SETUP_IDS = SeedTree.root(0).child("setup-ids");

/** A setup's result, reusable by every universe that runs the same setup (see `captureSetup`). */
export interface SetupImage {
  readonly store: StoreSnapshot;
  readonly clockMs: number;
  readonly scheduler: SchedulerSetupState;
  readonly hits: readonly (readonly [FailpointName, number])[];
  readonly events: readonly TraceEvent[];
}


export type { Violation } from "./violations.ts";

export interface WorldOptions {
  readonly seed: number;
  /**
   * Labels under the seed from which this world draws its streams (ids, strategy, backend): a
   * future forked at a crash state draws from `["cut", <its name>]`, never from its parent's.
   */
  readonly seedPath?: readonly string[];
  /** Record every durable write as a crash state (`sim/cuts/`); the virtual store only. */
  readonly recordCuts?: boolean;
  /** The seeded storage fault plan (`sim/faults/`); the virtual store only. */
  readonly storageFaults?: StorageFaultOptions;
  readonly fixes: Fixes;
  readonly strategy: (seeds: SeedTree, hints: { crashHorizon?: number }) => Strategy;
  readonly backend: (seeds: SeedTree) => Backend;
  readonly crashBudget?: number;
  readonly faultBudget?: number;
  readonly crashHorizon?: number;
  readonly maxSteps?: number;
}

export class World {
  readonly seeds: SeedTree;
  readonly clock = new VirtualClock();
  readonly ids: UniverseIds;
  readonly trace = new Trace();
  readonly sched: Scheduler;
  readonly failpoints: FailpointRegistry;
  readonly fixes: Fixes;
  readonly backend: Backend;
  /** The storage actors see: every call a scheduling point and a trace event. */
  readonly storage: Storage;
  readonly violations: Violation[] = [];
  /** The crash-state recorder, when the world records its cuts. */
  readonly cuts: CutRecorder | null;
  /** The storage fault plan, when the world has one. */
  readonly storageFaults: StorageFaultPlan | null;
  /** Violations the storage faults explain ("detected or harmless", `sim/faults/judge.ts`). */
  readonly excused: Excused[] = [];
  /**
   * Storage faults that struck before this world began: a future forked at a crash state inherits
   * those of the run it was cut from (it suffers none of its own), and the "detected or harmless"
   * judgement weighs them with its own.
   */
  inheritedFaults: readonly StruckFault[] = [];
  /**
   * Operations a workload set out to run, begun or not: a crash that kills an actor early cuts
   * short operations that never begin, and they count as attempted (see `formSpec`).
   */
  plannedOperations = 0;

  constructor(readonly options: WorldOptions) {
    this.seeds = (options.seedPath ?? []).reduce((tree, label) => tree.child(label), SeedTree.root(options.seed));
    this.ids = new UniverseIds(new SeededIds(this.seeds.child("ids").prng(), this.clock), () => new SeededIds(SETUP_IDS.prng(), this.clock));
    this.fixes = options.fixes;
    this.sched = new Scheduler({
      clock: this.clock,
      trace: this.trace,
      strategy: options.strategy(this.seeds.child("strategy"), options.crashHorizon !== undefined ? { crashHorizon: options.crashHorizon } : {}),
      crashBudget: options.crashBudget ?? 0,
      faultBudget: options.faultBudget ?? 0,
      faultsEverywhere: (options.faultBudget ?? 0) > 0 && faultsEverywhere(this.seeds),
      ...(options.crashHorizon !== undefined ? { crashHorizon: options.crashHorizon } : {}),
      ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
      // Under `ownerLease` a committer is assumed to finish within its lease: a strategy's
      // starving it past one is noted, as a latency fault's pause is.
      stallNoticeMs: options.fixes.ownerLease ? LEASE_TTL_MS : null,
    });
    this.failpoints = new FailpointRegistry(this.sched);
    this.backend = options.backend(this.seeds.child("backend"));
    const storage = new ScheduledStorage(this.backend.storage, this.sched, this.trace, this.backend.external);
    this.storage = storage;
    const virtual = !this.backend.external && this.backend.storage instanceof VirtualStore;
    this.cuts = options.recordCuts && virtual ? new CutRecorder(this.sched, this.clock) : null;
    storage.cuts = this.cuts;
    this.storageFaults = options.storageFaults && virtual ? new StorageFaultPlan(this, options.storageFaults) : null;
    storage.faults = this.storageFaults;
  }

  /**
   * What a setup run by the director alone left, from trace event `from` on: the durable store,
   * the clock, the scheduler's counters, the failpoint hits and the events. Null when it cannot
   * be reused (real I/O, a choice, another actor, a violation, an armed failpoint).
   */
  captureSetup(from: number): SetupImage | null {
    const store = this.backend.storage;
    if (!this.canReuseSetups || !(store instanceof VirtualStore) || this.violations.length > 0) return null;
    const scheduler = this.sched.setupState();
    const hits = this.failpoints.plainHits();
    if (!scheduler || !hits) return null;
    return Object.freeze({ store: store.snapshot(), clockMs: this.clock.now(), scheduler, hits, events: this.trace.since(from) });
  }

  /** Whether setups can be captured and restored here: on the virtual store only. */
  get canReuseSetups(): boolean {
    return !this.backend.external && this.backend.storage instanceof VirtualStore;
  }

  /** Starts this universe where `image`'s setup left its own (right after the director's first step). */
  restoreSetup(image: SetupImage): void {
    const store = this.backend.storage;
    if (!(store instanceof VirtualStore)) throw new Error("a setup can be reused on the virtual store only");
    store.restore(image.store);
    this.clock.advanceTo(image.clockMs);
    this.sched.restoreSetupState(image.scheduler);
    this.failpoints.restoreHits(image.hits);
    this.trace.appendAll(image.events);
  }

  /**
   * A new process. `crashable`: the search may crash it as a scheduler choice. `shielded`: the
   * fault plan never strikes it (a control whose premise is its own scripted fault).
   */
  process(name: string, options: { crashable?: boolean; shielded?: boolean } = {}): Process {
    return this.sched.newProcess(name, options.crashable ?? false, options.shielded ?? false);
  }

  /** The engine's environment inside `proc`. */
  env(proc: Process, fixes: Fixes = this.fixes): Env {
    const sched = this.sched;
    const world: WorldPort = {
      point: (label) => sched.point({ label, footprint: NO_FOOTPRINT }),
      waitUntil: (reason, ready) => sched.waitUntil({ label: `wait ${reason}` }, ready),
      sleep: (ms) => sched.sleep(ms),
      spawn: (name, task) => {
        sched.spawn(proc, name, task);
      },
      processLocal: <T>(key: string, init: () => T): T => {
        if (!proc.local.has(key)) proc.local.set(key, init());
        return proc.local.get(key) as T;
      },
    };
    return {
      root: this.backend.root,
      clock: this.clock,
      ids: this.ids,
      storage: this.storage,
      failpoints: this.failpoints,
      world,
      fixes,
    };
  }

  /** Adds an actor to `proc`; it starts when the scheduler first grants it. */
  spawn(proc: Process, name: string, fn: () => Promise<unknown>): Actor {
    return this.sched.spawn(proc, name, fn);
  }

  /**
   * A choice of the scenario's (an operation, a knob), on the tape. `bounded`: a fault the
   * search injects (the fault plan); bounded exhaustive search leaves it at its default.
   */
  choose(label: string, n: number, options: { bounded?: boolean } = {}): number {
    return this.sched.chooseData(label, n, options.bounded ?? false);
  }

  /** A yes/no choice; 0 (the simplest) is no. */
  chance(label: string, options: { bounded?: boolean } = {}): boolean {
    return this.choose(label, 2, options) === 1;
  }

  // Director-only helpers: a director actor runs whenever it can, so these waits script the
  // interleaving exactly.

  /** Waits until `cond` holds; other actors run meanwhile. */
  until(label: string, cond: () => boolean): Promise<void> {
    return this.sched.waitUntil({ label: `until ${label}` }, cond);
  }

  /** Waits until every actor given has finished, failed or died. */
  join(...actors: Actor[]): Promise<void> {
    // A loop, not every() with an arrow: the scheduler asks at every decision while the director
    // waits here, and each every() made a closure.
    return this.until(`join ${actors.map((a) => a.name).join(",")}`, () => {
      for (const a of actors) if (!a.ended) return false;
      return true;
    });
  }

  sleep(ms: number): Promise<void> {
    return this.sched.sleep(ms);
  }

  /**
   * Waits until `leader` has taken a seed-chosen number of steps (0..maxSteps) or ended: a
   * search knob for how late a second actor starts, so a follower can meet the leader deep
   * into its operation (a random walk alone almost never starves one actor that long). Steps
   * of the actors the leader's operation spawned in its process (optimize's table workers)
   * count as the leader's.
   */
  async stagger(label: string, leader: Actor, maxSteps: number): Promise<void> {
    const k = this.choose(label, maxSteps + 1);
    const steps = () => this.sched.actors.reduce((n, a) => (a === leader || (a.proc === leader.proc && a.id > leader.id) ? n + a.steps : n), 0);
    await this.until(`${label}: ${leader.name} took ${k} steps`, () => steps() >= k || leader.ended);
  }

  /** Whether `actor` waits on something not yet true (a lock, a lease poll, a park), or ended. */
  isBlocked(actor: Actor): boolean {
    return actor.ended || actor.waitsAt(this.clock.now());
  }

  /** A scripted crash: `proc` dies where its actors wait. */
  crash(proc: Process): void {
    this.sched.crash(proc, "script");
  }

  /** Records a violation; the universe's verdict is "fail" if there is any. */
  violation(v: Violation): void {
    this.violations.push(v);
    this.trace.emit({ e: "violation", ...v });
  }

  /** Runs the scheduler to the end and turns how it ended into violations. */
  async run(): Promise<SchedulerOutcome> {
    const outcome = await this.sched.run();
    switch (outcome.kind) {
      case "quiescent":
        break;
      case "deadlock":
        this.violation({
          kind: "deadlock",
          message: `no actor can run: ${outcome.blocked.map((b) => `${b.actor} at ${b.step}`).join("; ")}`,
          details: { blocked: outcome.blocked },
        });
        break;
      case "escape":
        this.violation({
          kind: "escape",
          message: `actor ${outcome.actor} awaited something outside the world after "${outcome.lastStep}"`,
          details: { actor: outcome.actor, lastStep: outcome.lastStep },
        });
        break;
      case "step-limit":
        this.violation({ kind: "step-limit", message: `the universe did not end within ${outcome.steps} steps` });
        break;
    }
    return outcome;
  }
}
