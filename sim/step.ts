// What an actor is about to do at a scheduling point.

/**
 * The storage keys a step reads and writes. Two steps commute when neither writes what the
 * other touches; bounded exhaustive search uses this to skip equivalent interleavings.
 * Keys: `ds:<path>@<branch>`, `mf:<branch>`, `mf:branches`, `obj:<key>`, `dir:<prefix>`.
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
