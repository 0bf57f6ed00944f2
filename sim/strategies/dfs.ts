// Bounded exhaustive search, the tree side. Every universe of the search replays a forced prefix
// of choices and then takes default choices; the tree remembers, for each choice on the current
// path, what was offered, what was tried, and which steps are asleep, and after each universe
// moves to the next unexplored alternative at the deepest frame that has one (stateless DFS, as
// in CHESS, loom and shuttle's DfsScheduler).
//
// Bound: a preemption is a step decision that switches away from the actor that took the step
// just before it while that actor could still run (no other step in between; that actor is then
// option 0), and every crash counts as one too. Schedules with more than `preemptions` of them
// are not explored. Data choices (the scenario's `world.choose`) are explored in full, at no cost, except the fault
// plan's (`bounded`), which stays at its default (no fault): exhaustive search explores
// schedules and crashes; the seeded strategies explore fault plans.
//
// Reduction (sleep sets, Godefroid 1996): after the subtree of step t has been explored at a
// frame, t sleeps in the subtrees of its later siblings for as long as only steps independent of
// t run, since running t later would only reorder commuting steps. Two steps are independent when
// their actors live in different processes (actors of one process share in-memory state: the
// handle, its write queues, its caches) and `stepsConflict` is false (disjoint storage keys, or
// both reads; a step with no footprint conflicts with everything). Crashes conflict with
// everything. Steps the tree does not see (the director's, or one forced because only one actor
// could run) wake every sleeper, except that a sleeping step that ran before anything else had a
// chance to wake it marks the universe redundant: it retraced an explored schedule.
// Caveat (Coons et al., OOPSLA 2013): sleep sets under a preemption bound can miss an
// interleaving whose only equivalents within the bound were pruned; `--no-reduction` is exact.
import { type StepInfo, stepsConflict } from "../step.ts";
import type { ActorView, DataDecision, StepDecision, Strategy } from "../strategy.ts";
import type { TraceEvent } from "../trace.ts";

export interface DfsOptions {
  /** Preemptions (and crashes) allowed per schedule. */
  readonly preemptions: number;
  /** Sleep-set partial-order reduction. */
  readonly reduction: boolean;
}

/** A grant as the tree remembers it: who, in which process, about to take which step. */
interface Move {
  readonly actorId: number;
  readonly procId: number;
  readonly step: StepInfo;
  /** The actor's step count when this move was offered. */
  readonly steps: number;
}

type Offer = Move | "crash";

interface Frame {
  readonly kind: "step" | "data";
  readonly n: number;
  /** Data frames: the fault plan's; only the default (no fault) is explored. */
  readonly bounded: boolean;
  /** Step frames: the scheduler's step count at the decision. */
  readonly stepCount: number;
  /** Step frames: what each option does. */
  readonly offers: readonly Offer[];
  /** Moves asleep at this frame. */
  readonly sleep: readonly Move[];
  readonly preemptionsBefore: number;
  /** Option 0 is the actor that just ran and can still run: other grants cost a preemption. */
  readonly continuing: boolean;
  /** This frame retraced explored ground: no alternatives are tried here. */
  readonly blocked: boolean;
  chosen: number;
  /** Options whose subtrees are fully explored, in order. */
  readonly done: number[];
}

export interface RunReport {
  /** The universe retraced a schedule equivalent to one explored before. */
  readonly redundant: boolean;
  /** Choices on its tape. */
  readonly depth: number;
}

export class NondeterminismError extends Error {
  override readonly name = "NondeterminismError";
}

export class DfsTree {
  private frames: Frame[] = [];
  /** Frames replayed as a forced prefix in the current universe. */
  private prefix = 0;
  private seen = 0;
  private redundant = false;
  private actors = new Map<number, ActorView>();

  constructor(readonly options: DfsOptions) {
    if (!Number.isInteger(options.preemptions) || options.preemptions < 0) {
      throw new RangeError(`preemption bound must be a non-negative integer, got ${options.preemptions}`);
    }
  }

  /** The strategy of the next universe: the current prefix, then default choices. */
  strategy(): Strategy {
    this.prefix = this.frames.length;
    this.seen = 0;
    this.redundant = false;
    this.actors = new Map();
    return {
      name: "dfs",
      chooseStep: (d) => this.onStep(d),
      chooseData: (d) => this.onData(d),
    };
  }

  /** Closes the universe just run: checks its ending for a retraced schedule. */
  finishRun(events: readonly TraceEvent[]): RunReport {
    if (this.seen < this.prefix) {
      throw new NondeterminismError(`the universe made ${this.seen} choices but its forced prefix has ${this.prefix}`);
    }
    if (!this.redundant && this.options.reduction) this.redundant = this.endsAsleep(events);
    return { redundant: this.redundant, depth: this.seen };
  }

  /** Moves to the next unexplored alternative; false when the bounded space is exhausted. */
  backtrack(): boolean {
    while (this.frames.length > 0) {
      const f = this.frames[this.frames.length - 1]!;
      if (!f.blocked) {
        f.done.push(f.chosen);
        const next = this.firstOpen(f);
        if (next !== null) {
          f.chosen = next;
          return true;
        }
      }
      this.frames.pop();
    }
    return false;
  }

  private onStep(d: StepDecision): number {
    const j = this.ordinal(d.ordinal);
    for (const o of d.options) if (o.kind === "grant") this.actors.set(o.actor.id, o.actor);
    if (j < this.prefix) {
      const f = this.frames[j]!;
      if (f.kind !== "step" || f.n !== d.options.length) throw this.diverged(j, "a step", d.options.length);
      return f.chosen;
    }
    const offers: Offer[] = d.options.map((o) =>
      o.kind === "grant" ? { actorId: o.actor.id, procId: o.actor.procId, step: o.step, steps: o.actor.steps } : "crash",
    );
    const prevStep = this.lastStepFrame(j);
    const last = prevStep ? prevStep.offers[prevStep.chosen] : undefined;
    const continuing =
      last !== undefined &&
      last !== "crash" &&
      d.stepCount === prevStep!.stepCount + 1 &&
      offers[0] !== "crash" &&
      offers[0]!.actorId === last.actorId;
    const sleep = this.options.reduction ? this.sleepAt(d.stepCount) : [];
    return this.push({ kind: "step", n: d.options.length, bounded: false, stepCount: d.stepCount, offers, sleep, continuing });
  }

  private onData(d: DataDecision): number {
    const j = this.ordinal(d.ordinal);
    if (j < this.prefix) {
      const f = this.frames[j]!;
      if (f.kind !== "data" || f.n !== d.n) throw this.diverged(j, `data "${d.label}"`, d.n);
      return f.chosen;
    }
    const prev = this.frames[j - 1];
    const sleep = prev && this.options.reduction && !this.redundant ? this.childSleep(prev) : [];
    return this.push({ kind: "data", n: d.n, bounded: d.bounded ?? false, stepCount: -1, offers: [], sleep, continuing: false });
  }

  private push(f: Omit<Frame, "preemptionsBefore" | "blocked" | "chosen" | "done">): number {
    const j = this.frames.length;
    const prev = this.frames[j - 1];
    const preemptionsBefore = prev ? prev.preemptionsBefore + this.cost(prev, prev.chosen) : 0;
    const frame: Frame = { ...f, preemptionsBefore, blocked: this.redundant, chosen: 0, done: [] };
    if (!this.redundant) {
      const open = this.firstOpen(frame);
      if (open === null) {
        // Every option is asleep (or over the bound): whatever runs now retraces explored ground.
        this.redundant = true;
        this.frames.push({ ...frame, blocked: true });
        return 0;
      }
      frame.chosen = open;
    }
    this.frames.push(frame);
    return frame.chosen;
  }

  /** The first option not yet explored, not asleep and within the bound; null if none. */
  private firstOpen(f: Frame): number | null {
    for (let i = 0; i < f.n; i++) {
      if (f.done.includes(i)) continue;
      if (f.preemptionsBefore + this.cost(f, i) > this.options.preemptions) continue;
      const o = f.offers[i];
      if (f.kind === "step" && o !== "crash" && o !== undefined && f.sleep.some((s) => s.actorId === o.actorId)) continue;
      return i;
    }
    return null;
  }

  private cost(f: Frame, i: number): number {
    if (f.kind === "data") return f.bounded && i > 0 ? Number.POSITIVE_INFINITY : 0;
    if (f.offers[i] === "crash") return 1;
    return f.continuing && i > 0 ? 1 : 0;
  }

  /** The sleep set of a new step frame: the previous frames' sleepers, unless something woke them. */
  private sleepAt(stepCount: number): Move[] {
    const j = this.frames.length;
    const prev = this.frames[j - 1];
    if (!prev || this.redundant) return [];
    const prevStep = this.lastStepFrame(j);
    const sleep = this.childSleep(prev);
    if (!prevStep || sleep.length === 0) return sleep;
    const ran = prevStep.offers[prevStep.chosen] === "crash" ? 0 : 1;
    const unseen = stepCount - prevStep.stepCount - ran;
    if (unseen <= 0) return sleep;
    let byAsleep = 0;
    for (const s of sleep) byAsleep += (this.actors.get(s.actorId)?.steps ?? s.steps) - s.steps;
    // Only sleeping steps ran unseen: the first of them ran asleep.
    if (byAsleep > 0 && byAsleep === unseen) this.redundant = true;
    return [];
  }

  /** Sleepers after `f`'s chosen option: its sleepers and finished siblings independent of it. */
  private childSleep(f: Frame): Move[] {
    if (f.kind === "data") return [...f.sleep];
    const t = f.offers[f.chosen];
    if (t === undefined || t === "crash") return [];
    const out: Move[] = [];
    const candidates: Move[] = [...f.sleep];
    for (const i of f.done) {
      const o = f.offers[i];
      if (o !== undefined && o !== "crash") candidates.push(o);
    }
    for (const u of candidates) {
      if (u.actorId === t.actorId || out.some((s) => s.actorId === u.actorId)) continue;
      if (independent(u, t)) out.push(u);
    }
    return out;
  }

  /** After the last choice: did a sleeping step run first among the unseen steps? */
  private endsAsleep(events: readonly TraceEvent[]): boolean {
    const j = this.frames.length;
    const lastStep = this.lastStepFrame(j);
    if (!lastStep) return false;
    const tail = this.frames[j - 1]!;
    const sleep = this.childSleep(tail);
    if (sleep.length === 0) return false;
    const names = new Set(sleep.map((s) => this.actors.get(s.actorId)?.name).filter((n): n is string => n !== undefined));
    const after = lastStep.stepCount + 1;
    for (const e of events) {
      if (e.e !== "grant" || typeof e.n !== "number" || e.n <= after) continue;
      return names.has(String(e.actor));
    }
    return false;
  }

  private lastStepFrame(before: number): Frame | undefined {
    for (let i = before - 1; i >= 0; i--) if (this.frames[i]!.kind === "step") return this.frames[i];
    return undefined;
  }

  private ordinal(ordinal: number): number {
    if (ordinal !== this.seen) throw new NondeterminismError(`choice ${ordinal} arrived as the tree's choice ${this.seen}`);
    return this.seen++;
  }

  private diverged(j: number, what: string, n: number): NondeterminismError {
    const f = this.frames[j]!;
    return new NondeterminismError(
      `the universe did not replay its prefix: choice ${j} was ${f.kind === "step" ? "a step" : "data"} over ${f.n} options, now ${what} over ${n}`,
    );
  }
}

/** Steps of actors in different processes whose storage footprints commute. */
function independent(a: Move, b: Move): boolean {
  return a.procId !== b.procId && !stepsConflict(a.step, b.step);
}
