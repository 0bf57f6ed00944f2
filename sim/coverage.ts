// The reach ledger of a search: for every failpoint of the catalog, the window it names (from
// that failpoint to the actor's next one), whether the search reached it, armed it (a fault or a
// script made it error, crash or park), and crashed in it (a process died there: at the
// failpoint, at a durable write inside the window, or at a cut of crash-state enumeration), with
// the universes it took to first do each; and, for every window never reached, what would reach it.
import { ALL_FAILPOINTS, type FailpointName } from "../failpoints/catalog.ts";
import type { TraceEvent } from "./trace.ts";

export interface WindowCoverage {
  readonly name: FailpointName;
  /** The universe (1-based, in the search's order) that first reached, armed or crashed in it; null: never. */
  readonly firstReached: number | null;
  readonly firstArmed: number | null;
  readonly firstCrashed: number | null;
  /** In how many universes. */
  readonly reached: number;
  readonly armed: number;
  readonly crashed: number;
}

/** A ledger as plain data (a worker's piece, a report's field). */
export interface CoverageData {
  readonly universes: number;
  readonly windows: readonly WindowCoverage[];
}

/** What one universe did to the windows. */
export interface UniverseWindows {
  readonly reached: ReadonlySet<string>;
  readonly armed: ReadonlySet<string>;
  readonly crashed: ReadonlySet<string>;
}

/** The windows of one universe's trace (from event `from` on). */
export function windowsOf(events: readonly TraceEvent[], from = 0): UniverseWindows {
  const reached = new Set<string>();
  const armed = new Set<string>();
  const crashed = new Set<string>();
  const last = new Map<string, string>();
  for (let i = from; i < events.length; i++) {
    const e = events[i]!;
    if (e.e === "failpoint") {
      reached.add(e.name);
      last.set(e.actor, e.name);
      if (e.decision !== "pass") armed.add(e.name);
      if (e.decision === "crash") crashed.add(e.name);
    } else if (e.e === "crash") {
      for (const a of e.killed) {
        const w = last.get(a);
        if (w) crashed.add(w);
      }
    }
  }
  return { reached, armed, crashed };
}

export class CoverageLedger {
  private universes = 0;
  private readonly windows = new Map<string, { firstReached: number | null; firstArmed: number | null; firstCrashed: number | null; reached: number; armed: number; crashed: number }>();

  constructor() {
    for (const name of ALL_FAILPOINTS) this.windows.set(name, { firstReached: null, firstArmed: null, firstCrashed: null, reached: 0, armed: 0, crashed: 0 });
  }

  /** One more universe, and what it did. */
  add(w: UniverseWindows): void {
    const n = ++this.universes;
    for (const [name, c] of this.windows) {
      if (w.reached.has(name)) {
        c.reached++;
        c.firstReached ??= n;
      }
      if (w.armed.has(name)) {
        c.armed++;
        c.firstArmed ??= n;
      }
      if (w.crashed.has(name)) {
        c.crashed++;
        c.firstCrashed ??= n;
      }
    }
  }

  /** Another search's ledger, whose universes come after this one's (pieces merged in order). */
  append(data: CoverageData): void {
    const offset = this.universes;
    for (const w of data.windows) {
      const c = this.windows.get(w.name);
      if (!c) continue;
      const shift = (x: number | null) => (x === null ? null : x + offset);
      c.firstReached ??= shift(w.firstReached);
      c.firstArmed ??= shift(w.firstArmed);
      c.firstCrashed ??= shift(w.firstCrashed);
      c.reached += w.reached;
      c.armed += w.armed;
      c.crashed += w.crashed;
    }
    this.universes += data.universes;
  }

  data(): CoverageData {
    return { universes: this.universes, windows: [...this.windows].map(([name, c]) => ({ name: name as FailpointName, ...c })) };
  }
}

export function mergeCoverage(parts: readonly CoverageData[]): CoverageData {
  const ledger = new CoverageLedger();
  for (const p of parts) ledger.append(p);
  return ledger.data();
}

/** Each actor's failpoint hits in a trace, to find the window an actor was in at any point. */
export class FailpointHits {
  private readonly byActor = new Map<string, { at: number; name: string }[]>();

  constructor(events: readonly TraceEvent[], from = 0) {
    for (let i = from; i < events.length; i++) {
      const e = events[i]!;
      if (e.e !== "failpoint") continue;
      let list = this.byActor.get(e.actor);
      if (!list) this.byActor.set(e.actor, (list = []));
      list.push({ at: i, name: e.name });
    }
  }

  /** The last failpoint `actor` hit before trace index `at`, if any: the window it was in. */
  windowAt(actor: string, at: number): string | null {
    const list = this.byActor.get(actor);
    if (!list) return null;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.at < at) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? list[lo - 1]!.name : null;
  }
}
