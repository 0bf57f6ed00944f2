// A mutant is data: one realistic regression of the engine, written as an exact text to find in
// one engine file (it must occur there exactly once) and the text that replaces it. The harness
// measures its own power by how many of them the default hunt's `fixed` cells kill.

/** The kinds of regression the catalog plants (what a careless change to the engine looks like). */
export type MutantCategory =
  | "dropped-check"
  | "reordered-write"
  | "dropped-write"
  | "off-by-one"
  | "early-release"
  | "swallowed-error"
  | "early-give-up"
  | "wrong-recovery-decision"
  | "stale-cache"
  | "wrong-target";

export const CATEGORIES: readonly MutantCategory[] = [
  "dropped-check",
  "reordered-write",
  "dropped-write",
  "off-by-one",
  "early-release",
  "swallowed-error",
  "early-give-up",
  "wrong-recovery-decision",
  "stale-cache",
  "wrong-target",
];

/** One sentence per category, for the README. */
export const CATEGORY_SUMMARIES: Readonly<Record<MutantCategory, string>> = {
  "dropped-check": "a guard, validation or fence is skipped",
  "reordered-write": "a durable write moves across another (the crash window opens)",
  "dropped-write": "a durable write or delete is left out",
  "off-by-one": "a version, bound or count is one off",
  "early-release": "a lock, lease or queue is released (or never taken) too early",
  "swallowed-error": "an error is caught and dropped instead of failing the operation",
  "early-give-up": "a retry loop gives up early (or never retries)",
  "wrong-recovery-decision": "a recovery arm picks the wrong decision",
  "stale-cache": "a cached snapshot, catalog or memo is not refreshed or invalidated",
  "wrong-target": "the right action on the wrong version, table or object",
};

export interface Mutant {
  /** Stable and unique: names the mutant in `--only`, the results file and the README. */
  readonly id: string;
  /** The engine file it patches, repository-relative (`engine/...`). */
  readonly file: string;
  /** Text that occurs exactly once in `file`. */
  readonly find: string;
  readonly replace: string;
  readonly category: MutantCategory;
  /** One sentence: what the regression breaks. */
  readonly breaks: string;
  /**
   * Declared equivalent: no behaviour of the `fixed` profile can tell it from the original, and
   * why. It leaves the kill rate's denominator.
   */
  readonly equivalent?: string;
  /**
   * A measured survivor that is not equivalent: why the default hunt misses it, and what would
   * catch it (an oracle, a scenario, a workload knob).
   */
  readonly blindSpot?: string;
  /**
   * The cell of the default hunt in which this mutant dies only past a smaller run's budget. A
   * run below the hunt's default budget runs that one cell again at the default budget (against
   * the unmutated tree's run of the same cell), so a kill by the default hunt is measured by the
   * run, never typed into the catalog. The cell must be one the default hunt runs.
   */
  readonly defaultHuntCell?: { readonly scenario: string; readonly profile: string };
}
