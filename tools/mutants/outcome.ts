// What one child process reports about one mutated (or unmutated) tree.

/** A universe of a hunt cell that fails it on the unmutated tree: skipped in every mutant's run. */
export interface RedUniverse {
  readonly scenario: string;
  /** Absent in the results of runs before the mutants run used every hunt cell (all `fixed`). */
  readonly profile?: string;
  readonly seed: number;
  readonly violation: string;
  /**
   * The shapes (`shapeOf`) of every violation in it that failed its cell. A mutant's failure of
   * the same shape in the same cell is not counted against the mutant: the unmutated tree fails
   * that cell that way already, and a mutant that only moves a schedule can expose it elsewhere.
   * Absent in the results of older runs.
   */
  readonly shapes?: readonly string[];
}

export type ChildOutcome =
  | {
      readonly kind: "killed";
      /** The hunt cell that failed, its seed, and the violation's signature (or `harness-error`). */
      readonly scenario: string;
      /** Absent in the results of runs before the mutants run used every hunt cell (all `fixed`). */
      readonly profile?: string;
      readonly seed: number;
      readonly violation: string;
      readonly message: string;
      readonly universes: number;
      readonly ms: number;
    }
  | { readonly kind: "survived"; readonly universes: number; readonly cells: number; readonly ms: number }
  /** The unmutated tree's run (`--baseline`): every universe it ran, and each that failed without any mutant. */
  | { readonly kind: "baseline"; readonly universes: number; readonly cells: number; readonly ms: number; readonly red: readonly RedUniverse[] }
  /** The patched tree did not load, or the child was called wrongly. */
  | { readonly kind: "invalid"; readonly reason: string }
  /** The child ran past its time limit (a hang, or a slowdown far past the unmutated run). */
  | { readonly kind: "timeout"; readonly ms: number };

/** The child's one line of output: this mark, then the outcome as JSON. */
export const OUTCOME_MARK = "MUTANT-OUTCOME ";

/** The seed slices the child's cells take turns on: 1-10, 11-100, 101-budget. */
export function slices(budget: number): [number, number][] {
  const out: [number, number][] = [];
  let from = 1;
  for (const upTo of [10, 100, budget]) {
    const to = Math.min(upTo, budget);
    if (to >= from) out.push([from, to]);
    from = to + 1;
  }
  return out;
}

/** The seed ranges of `[from, to]` left once `skip` is taken out. */
export function segments(from: number, to: number, skip: ReadonlySet<number>): [number, number][] {
  const out: [number, number][] = [];
  let start = from;
  for (let seed = from; seed <= to + 1; seed++) {
    if (seed <= to && !skip.has(seed)) continue;
    if (seed > start) out.push([start, seed - 1]);
    start = seed + 1;
  }
  return out;
}

/** A cell's key in `--skip`: `scenario@profile`. */
export const cellKey = (scenario: string, profile: string) => `${scenario}@${profile}`;

/** How a kill or a red universe names its cell: `scenario on profile`. */
export const cellName = (o: { readonly scenario: string; readonly profile?: string }) => `${o.scenario} on ${o.profile ?? "fixed"}`;

/** A violation's shape: its kind, error kind, operation kind and table, without the actor's name. */
export function shapeOf(v: { readonly kind: string; readonly errorKind?: string; readonly op?: { readonly kind: string }; readonly table?: string }): string {
  return [v.kind, v.errorKind ?? "-", v.op?.kind ?? "-", v.table ?? "-"].join(" / ");
}

/** The file in a mutant's copy that hands the child the unmutated tree's red universes. */
export const BASELINE_FILE = "mutants-baseline.json";
