// The crash-state recorder: a layer of the storage seam that notes every call that changed
// durable state, as the universe runs. Each such write (each durable part of a call that real
// Lance makes in several steps) by a crashable process is a place to cut the universe: just before it, the writer died
// with the store as the write found it; just after it, the writer died with the write durable.
// The recorder keeps, for each write, the two store snapshots (O(1): the store is made of values
// never changed once built), the trace position, the clock and the actors alive, which is all a
// future forked at the cut needs (`fork.ts`); the prefix is never replayed.
import type { ObservedCall, StorageCutObserver } from "../scheduled-storage.ts";
import type { Scheduler } from "../scheduler.ts";
import type { StorageCall } from "../storage-calls.ts";
import type { StoreSnapshot } from "../store/virtual-store.ts";
import type { VirtualClock } from "../clock.ts";

/** The actors of one process that were alive at a cut, and so die there. */
export interface AliveProcess {
  readonly proc: string;
  readonly actors: readonly string[];
}

/** One durable write of a universe: the k-th (from 1) among the writes it recorded. */
export interface DurableWrite {
  readonly index: number;
  readonly call: StorageCall;
  /** The actor that made it and its process. */
  readonly actor: string;
  readonly proc: string;
  /** Of a call made in several durable parts: which part (from 1) of how many; else null. */
  readonly part: { readonly n: number; readonly of: number } | null;
  /** The durable state just before and just after it. */
  readonly before: StoreSnapshot;
  readonly after: StoreSnapshot;
  /** Trace length at the cut before it (its grant traced, its result not) and after it. */
  readonly traceBefore: number;
  readonly traceAfter: number;
  readonly clockMs: number;
  readonly stepCount: number;
  /** Every process with an actor alive at the write (the writer's included), directors aside. */
  readonly alive: readonly AliveProcess[];
}

export class CutRecorder implements StorageCutObserver {
  readonly writes: DurableWrite[] = [];
  private paused = 0;

  constructor(
    private readonly sched: Scheduler,
    private readonly clock: VirtualClock,
  ) {}

  get recording(): boolean {
    return this.paused === 0;
  }

  /** Stops recording until `resume` (a scenario's setup, a future's own ending). Nests. */
  pause(): void {
    this.paused++;
  }

  resume(): void {
    if (this.paused > 0) this.paused--;
  }

  observe(o: ObservedCall): void {
    // Only a process the scenario lets die is cut (as the crash plan strikes only those): a
    // director's or a setup process's writes (a graph's init) are the universe's premises.
    if (o.actor.director || !o.actor.proc.crashable) return;
    const states = [o.before, ...o.parts, o.after];
    const changes: [StoreSnapshot, StoreSnapshot][] = [];
    for (let i = 1; i < states.length; i++) if (!sameState(states[i - 1]!, states[i]!)) changes.push([states[i - 1]!, states[i]!]);
    if (changes.length === 0) return;
    const alive = this.aliveProcesses();
    const clockMs = this.clock.now();
    const stepCount = this.sched.stepCount;
    changes.forEach(([before, after], i) => {
      const last = i === changes.length - 1;
      this.writes.push(
        Object.freeze({
          index: this.writes.length + 1,
          call: o.call,
          actor: o.actor.name,
          proc: o.actor.proc.name,
          part: changes.length > 1 ? { n: i + 1, of: changes.length } : null,
          before,
          after,
          traceBefore: o.traceBefore,
          // Before its last part the call has not returned: its result is not in the trace yet.
          traceAfter: last ? o.traceAfter : o.traceBefore,
          clockMs,
          stepCount,
          alive,
        }),
      );
    });
  }

  private aliveProcesses(): readonly AliveProcess[] {
    const byProc = new Map<string, string[]>();
    for (const a of this.sched.actors) {
      if (a.director || a.ended || !a.proc.alive) continue;
      const list = byProc.get(a.proc.name) ?? [];
      list.push(a.name);
      byProc.set(a.proc.name, list);
    }
    return Object.freeze([...byProc].map(([proc, actors]) => Object.freeze({ proc, actors: Object.freeze(actors) })));
  }
}

/** Whether two snapshots are the very same durable state (the store's parts are never changed in place). */
export function sameState(a: StoreSnapshot, b: StoreSnapshot): boolean {
  return a.datasets === b.datasets && a.manifest === b.manifest && a.objects === b.objects;
}
