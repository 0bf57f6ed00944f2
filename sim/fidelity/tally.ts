// The agreement table: per operation kind, how many ran, how many agreed (exactly or after
// normalization), how many diverged in a documented way, how many disagreed, and the first
// example of each that was not exact; plus the time each backend spent on the kind.
import { compareStrings } from "../../engine/schema/canonical.ts";
import type { Category } from "./compare.ts";
import type { SequenceResult, StepRecord } from "./runner.ts";
import { describeOutcome } from "./outcome.ts";

export interface TallyRow {
  readonly label: string;
  readonly run: number;
  readonly exact: number;
  readonly normalized: number;
  readonly known: number;
  readonly disagreed: number;
  /** Agreed steps at which both backends raised the same error kind. */
  readonly bothFailed: number;
  readonly virtualMs: number;
  readonly lanceMs: number;
  /** The first step of each non-exact category, described. */
  readonly first: Partial<Record<Exclude<Category, "exact">, string>>;
}

type MutableRow = { -readonly [K in keyof TallyRow]: TallyRow[K] };

export class Tally {
  private readonly rowsByLabel = new Map<string, MutableRow>();
  sequences = 0;
  stopped = 0;

  add(result: SequenceResult, sequence: number): void {
    this.sequences += 1;
    if (result.stopped) this.stopped += 1;
    for (const step of result.steps) this.addStep(step, sequence);
  }

  rows(): TallyRow[] {
    return [...this.rowsByLabel.values()].sort((a, b) => compareStrings(a.label, b.label));
  }

  total(category: Category): number {
    return this.rows().reduce((sum, row) => sum + row[category === "disagree" ? "disagreed" : category], 0);
  }

  private addStep(step: StepRecord, sequence: number): void {
    let row = this.rowsByLabel.get(step.label);
    if (row === undefined) {
      row = { label: step.label, run: 0, exact: 0, normalized: 0, known: 0, disagreed: 0, bothFailed: 0, virtualMs: 0, lanceMs: 0, first: {} };
      this.rowsByLabel.set(step.label, row);
    }
    row.run += 1;
    row.virtualMs += step.virtualMs;
    row.lanceMs += step.lanceMs;
    const category = step.verdict.category;
    row[category === "disagree" ? "disagreed" : category] += 1;
    if (category === "exact" && !step.virtual.ok && !step.lance.ok) row.bothFailed += 1;
    if (category !== "exact" && row.first[category] === undefined) row.first[category] = describeStep(step, sequence);
  }
}

export function describeStep(step: StepRecord, sequence: number): string {
  return (
    `sequence ${sequence} step ${step.index}: ${JSON.stringify(step.op)} -> ${step.verdict.reason ?? step.verdict.category}; ` +
    `model ${describeOutcome(step.virtual)}; Lance ${describeOutcome(step.lance)}`
  );
}
