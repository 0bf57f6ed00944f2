// Indexes over a trace that a world forked at a crash state inherits from its parent instead of
// rebuilding. A fork's events are its parent's first `length` events, then its own
// (`Trace.startFrom`); an index whose entry for event i depends only on events 0..i (an `io`
// call's result, the fault just before it) is, over those first events, exactly the parent's
// entries before `length`. So a fork's index is the parent's (built once per parent) cut at the
// fork point, plus a scan of the fork's own events: the oracles then cost a future its own
// length, not the length of the run it was cut from. Entries carry their trace index `at`, in
// ascending order.
import type { TraceEvent } from "./trace.ts";

interface Origin {
  readonly parent: readonly TraceEvent[];
  readonly length: number;
}

const origins = new WeakMap<readonly TraceEvent[], Origin>();

/** Notes that `events` began as a copy of `parent`'s first `length` events (a fork's trace). */
export function recordPrefixOrigin(events: readonly TraceEvent[], parent: readonly TraceEvent[], length: number): void {
  origins.set(events, { parent, length });
}

/** The entries of events `from` to `to` (exclusive), each with its index, in trace order; each may read only events at or before its own. */
export type TraceScan<T extends { readonly at: number }> = (events: readonly TraceEvent[], from: number, to: number) => T[];

interface Built {
  readonly length: number;
  readonly entries: readonly { readonly at: number }[];
}

const built = new WeakMap<TraceScan<never>, WeakMap<readonly TraceEvent[], Built>>();

/** `scan` over all of `events`, reusing what was built for the same events or for the parent they were forked from. */
export function prefixIndexed<T extends { readonly at: number }>(events: readonly TraceEvent[], scan: TraceScan<T>): readonly T[] {
  let byEvents = built.get(scan as TraceScan<never>);
  if (!byEvents) built.set(scan as TraceScan<never>, (byEvents = new WeakMap()));
  const hit = byEvents.get(events);
  if (hit && hit.length === events.length) return hit.entries as readonly T[];
  let entries: readonly T[];
  if (hit && hit.length < events.length) {
    // The same trace, grown since (events are only ever appended).
    entries = (hit.entries as readonly T[]).concat(scan(events, hit.length, events.length));
  } else {
    const origin = origins.get(events);
    if (origin && origin.length <= events.length) {
      const inherited = prefixIndexed(origin.parent, scan);
      const own = inherited.slice(0, countBefore(inherited, origin.length));
      for (const e of scan(events, origin.length, events.length)) own.push(e);
      entries = own;
    } else {
      entries = scan(events, 0, events.length);
    }
  }
  byEvents.set(events, { length: events.length, entries });
  return entries;
}

/** How many of `entries` (ascending by `at`) come before index `at`. */
export function countBefore(entries: readonly { readonly at: number }[], at: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
