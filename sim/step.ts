// What an actor is about to do at a scheduling point.

/**
 * The storage keys a step reads and writes. Two steps commute when neither writes what the
 * other touches; bounded exhaustive search uses this to skip equivalent interleavings.
 * Keys: `ds:<path>@<branch>`, `mf:<branch>`, `mf:branches`, `obj:<key>`, `dir:<prefix>`, and
 * `fp:<name>` for a failpoint's hit counter.
 *
 * Not in any footprint: the virtual clock (every grant moves it) and the id stream (shared by the
 * whole universe). Two steps that commute on these keys may still see other times and ids when
 * swapped, so the sleep-set reduction is exact only up to timestamps and ids: equivalent
 * schedules differ in those alone. `REDUCTION_CAVEAT` says so wherever a reduced search reports.
 */
export interface Footprint {
  readonly reads: readonly string[];
  readonly writes: readonly string[];
}

export interface StepInfo {
  /** Human-readable: `objects.put __recovery/01J...json`, `failpoint optimize.before_compact`. */
  readonly label: string;
  /** Undefined means unknown: the step conflicts with everything. */
  readonly footprint?: Footprint;
}

export const NO_FOOTPRINT: Footprint = { reads: [], writes: [] };

/** What a search with the sleep-set reduction must say beside "clean within the bound". */
export const REDUCTION_CAVEAT =
  "the reduction is not exact: footprints cover storage keys and failpoint counters, not the clock or the id stream (--no-reduction is exact)";

function keysOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.startsWith("dir:") && b.startsWith("obj:")) return b.slice(4).startsWith(a.slice(4));
  if (b.startsWith("dir:") && a.startsWith("obj:")) return a.slice(4).startsWith(b.slice(4));
  return false;
}

function touches(writes: readonly string[], other: Footprint): boolean {
  for (const w of writes) {
    for (const k of other.reads) if (keysOverlap(w, k)) return true;
    for (const k of other.writes) if (keysOverlap(w, k)) return true;
  }
  return false;
}

/** True when running `a` and `b` in either order could differ. */
export function stepsConflict(a: StepInfo, b: StepInfo): boolean {
  if (!a.footprint || !b.footprint) return true;
  return touches(a.footprint.writes, b.footprint) || touches(b.footprint.writes, a.footprint);
}
