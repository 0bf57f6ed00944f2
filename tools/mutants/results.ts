// The committed record of a measured run (`tools/mutants/results.json`) and what is read off it:
// each mutant's verdict, the kill rate over the non-equivalent mutants, and the survivors with
// their reasons. The README's mutants section is rendered from it (readme.ts).
import { type ChildOutcome, cellName, type RedUniverse } from "./outcome.ts";
import type { Mutant, MutantCategory } from "./types.ts";

export interface MutantsResults {
  /** Universes per cell (the default hunt's budget, unless a run said otherwise). */
  readonly budget: number;
  /** Which cells: every cell of the default hunt, or its `fixed` cells alone (`--fixed-only`; absent: runs before the choice, all `fixed`). */
  readonly cells?: "hunt" | "fixed";
  /** The commit the run measured (the catalog's anchors at that commit). */
  readonly commit: string;
  /** When it ran, and how long the whole run took (copying, type-checking and the children). */
  readonly date: string;
  readonly elapsedMs: number;
  readonly jobs: number;
  /** The unmutated tree's run over every universe; the universes it failed are skipped in every mutant's run. */
  readonly baseline: ChildOutcome;
  readonly skipped: readonly RedUniverse[];
  readonly mutants: readonly MutantResult[];
}

/** One mutant's measurement: over every cell at the run's budget, and its confirmation, if any. */
export interface MutantResult {
  readonly id: string;
  readonly outcome: ChildOutcome;
  /** A survivor's catalog cell (`defaultHuntCell`) run again at the default hunt's budget. */
  readonly confirm?: Confirmation;
}

/**
 * A survivor of a run below the default hunt's budget, run again in the one cell of the default
 * hunt the catalog names, at the default budget, skipping the universes the unmutated tree fails
 * in that cell at that budget.
 */
export interface Confirmation {
  readonly scenario: string;
  readonly profile: string;
  readonly budget: number;
  /** Universes of the cell the unmutated tree failed at this budget (skipped). */
  readonly baselineRed: number;
  readonly outcome: ChildOutcome;
}

/** What counts for a mutant: killed over every cell at the run's budget, or else in its confirmation. */
export function effectiveOutcome(r: Pick<MutantResult, "outcome" | "confirm">): ChildOutcome {
  const killed = (o: ChildOutcome) => o.kind === "killed" || o.kind === "timeout";
  if (!killed(r.outcome) && r.confirm && killed(r.confirm.outcome)) return r.confirm.outcome;
  return r.outcome;
}

/** The mutants a confirmation turned from survivor into killed. */
export function confirmedKills(results: readonly MutantResult[]): readonly MutantResult[] {
  return results.filter((r) => r.confirm !== undefined && effectiveOutcome(r) === r.confirm.outcome);
}

/** How a mutant's outcome counts. */
export type Verdict = "killed" | "equivalent" | "blind-spot" | "unexplained" | "equivalent-but-killed" | "invalid";

export function verdictOf(m: Mutant, o: ChildOutcome): Verdict {
  if (o.kind === "invalid" || o.kind === "baseline") return "invalid";
  const killed = o.kind === "killed" || o.kind === "timeout";
  if (m.equivalent !== undefined) return killed ? "equivalent-but-killed" : "equivalent";
  if (killed) return "killed";
  return m.blindSpot !== undefined ? "blind-spot" : "unexplained";
}

export interface Summary {
  readonly total: number;
  readonly killed: number;
  readonly equivalent: number;
  readonly invalid: number;
  /** Killed plus surviving non-equivalent mutants (invalid ones are not regressions). */
  readonly nonEquivalent: number;
  /** killed / nonEquivalent. */
  readonly rate: number;
  readonly byCategory: ReadonlyMap<MutantCategory, { total: number; killed: number; equivalent: number }>;
  /** Mutants whose verdict needs the catalog mended: unexplained survivors, equivalents killed, invalid patches. */
  readonly problems: readonly string[];
}

/** The pass mark of issue 9: the default hunt alone kills at least 90% of the non-equivalent mutants. */
export const REQUIRED_RATE = 0.9;

export function summarize(catalog: readonly Mutant[], outcomes: ReadonlyMap<string, ChildOutcome>): Summary {
  let killed = 0;
  let equivalent = 0;
  let invalid = 0;
  const byCategory = new Map<MutantCategory, { total: number; killed: number; equivalent: number }>();
  const problems: string[] = [];
  for (const m of catalog) {
    const o = outcomes.get(m.id);
    if (!o) {
      problems.push(`${m.id}: not measured`);
      continue;
    }
    const v = verdictOf(m, o);
    const c = byCategory.get(m.category) ?? { total: 0, killed: 0, equivalent: 0 };
    c.total++;
    byCategory.set(m.category, c);
    if (v === "killed" || v === "equivalent-but-killed") {
      killed++;
      c.killed++;
    }
    if (v === "equivalent") {
      equivalent++;
      c.equivalent++;
    }
    if (v === "invalid") invalid++;
    if (v === "unexplained") problems.push(`${m.id}: survived, and the catalog gives no reason (declare it equivalent, or name the blind spot)`);
    if (v === "equivalent-but-killed") problems.push(`${m.id}: declared equivalent, yet killed (${describeKill(o)}): the declaration is wrong`);
    if (v === "invalid" && o.kind === "invalid") problems.push(`${m.id}: invalid: ${o.reason}`);
  }
  const total = catalog.length;
  const nonEquivalent = total - equivalent - invalid - problems.filter((p) => p.endsWith("not measured")).length;
  return { total, killed, equivalent, invalid, nonEquivalent, rate: nonEquivalent === 0 ? 1 : killed / nonEquivalent, byCategory, problems };
}

export function describeKill(o: ChildOutcome): string {
  switch (o.kind) {
    case "killed":
      return `${cellName(o)}, seed ${o.seed}: ${o.violation}`;
    case "timeout":
      return `timed out after ${(o.ms / 1000).toFixed(0)} s`;
    case "survived":
      return `survived ${o.universes} universes`;
    case "baseline":
      return `${o.universes} universes, ${o.red.length} red without any mutant`;
    case "invalid":
      return `invalid: ${o.reason}`;
  }
}

export const percent = (r: number) => `${(r * 100).toFixed(1)}%`;

/** A kill's violation shape, read back from its signature (`kind / errorKind / op by actor / table`). */
export function shapeOfSignature(signature: string): string {
  const [kind, ...rest] = signature.split(" / ");
  let errorKind = "-";
  let op = "-";
  let table = "-";
  for (const part of rest) {
    if (/^(node|edge):/.test(part)) table = part;
    else if (part.includes(" by ")) op = part.split(" by ")[0]!;
    else errorKind = part;
  }
  return [kind, errorKind, op, table].join(" / ");
}

/**
 * Whether a kill is weak evidence: its violation has a shape the unmutated tree shows in some
 * cell of the same profile (a known failure elsewhere, which a mutant that only moves a schedule
 * can bring into another universe). The run does not count shapes seen in the same cell; this
 * flags those seen elsewhere on the profile, so the README can say how many kills they are.
 */
export function weakKill(o: ChildOutcome, skipped: readonly RedUniverse[]): boolean {
  if (o.kind !== "killed" || o.violation === "harness-error") return false;
  const shape = shapeOfSignature(o.violation);
  const profile = o.profile ?? "fixed";
  return skipped.some((r) => (r.profile ?? "fixed") === profile && (r.shapes ?? []).includes(shape));
}
