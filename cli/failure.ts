// What happens after a universe fails, in `run`, `hunt` and `shrink`: shrink its tape (unless
// `--no-shrink`), write the tape to a file that `omnisim replay --tape` replays, and save the
// failure to the seed ledger (with `--save`).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Scenario, ScenarioForm } from "../scenarios/types.ts";
import { shrinkTape } from "../sim/shrink/shrink.ts";
import type { TraceEvent } from "../sim/trace.ts";
import type { UniverseResult, UniverseSpec } from "../sim/universe.ts";
import { type ProfileChoice, UsageError } from "./args.ts";
import { appendToLedger, type LedgerEntry, saveTarget } from "./ledger.ts";
import { replayCommand } from "./replay-command.ts";
import { renderTimeline } from "./timeline.ts";

/** Where tapes go unless `--out` says otherwise (gitignored). */
export const OUTPUT_DIR = ".omnisim";

export interface FailureInput {
  readonly scenario: Scenario;
  readonly form: ScenarioForm;
  readonly spec: UniverseSpec;
  readonly profile: ProfileChoice;
  /** The strategy label (`pct:d=3`, ...). */
  readonly strategy: string;
  readonly result: UniverseResult;
  readonly shrink: boolean;
  /** `--save`: true for the default ledger, or a ledger path. */
  readonly save?: boolean | string;
  /** The tape file to write (default under `.omnisim/`). */
  readonly out?: string;
  readonly maxReplays?: number;
}

export interface ShrinkSummary {
  readonly before: number;
  readonly after: number;
  readonly replays: number;
  readonly ms: number;
  readonly budgetSpent: boolean;
}

export interface FailureReport {
  readonly kind: string;
  /** The tape written: the shrunk one, or the original with `--no-shrink`. */
  readonly tape: number[];
  readonly tapeFile: string;
  readonly shrunk: ShrinkSummary | null;
  /** The universe the tape file replays. */
  readonly final: UniverseResult;
  /** The ledger written to, or null without `--save`. */
  readonly savedTo: string | null;
  readonly replay: string;
}

export function defaultTapeFile(scenario: string, form: ScenarioForm, profile: string, seed: number): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.=+-]/g, "_");
  return join(OUTPUT_DIR, `${safe(scenario)}.${form}.${safe(profile)}.seed${seed}.tape.json`);
}

export async function afterFailure(input: FailureInput): Promise<FailureReport> {
  const { result } = input;
  const kind = result.violations[0]!.kind;
  let tape = [...result.tape];
  let final = result;
  let shrunk: ShrinkSummary | null = null;
  if (input.shrink) {
    const started = performance.now();
    const s = await shrinkTape({
      spec: input.spec,
      fixes: input.profile.fixes,
      seed: result.seed,
      tape,
      kind,
      ...(input.maxReplays !== undefined ? { maxReplays: input.maxReplays } : {}),
    });
    tape = s.tape;
    final = s.result;
    shrunk = { before: s.before, after: s.after, replays: s.replays, ms: Math.round(performance.now() - started), budgetSpent: s.budgetSpent };
  }
  const tapeFile = input.out ?? defaultTapeFile(input.scenario.name, input.form, input.profile.label, result.seed);
  const entry: LedgerEntry = {
    scenario: input.scenario.name,
    profile: input.profile.label,
    form: input.form,
    seed: result.seed,
    strategy: input.strategy,
    violation: kind,
    tape,
  };
  writeTapeFile(tapeFile, entry);
  const savedTo = saveTarget(input.save);
  if (savedTo) appendToLedger([entry], savedTo);
  const extra = ["--tape", tapeFile, ...(input.form === "scripted" ? ["--scripted"] : [])];
  return { kind, tape, tapeFile, shrunk, final, savedTo, replay: replayCommand(input.scenario.name, result.seed, input.profile, "random", extra) };
}

function writeTapeFile(path: string, entry: LedgerEntry): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(entry)}\n`);
  } catch (e) {
    throw new UsageError(`cannot write tape file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The schedule of a universe as numbered steps, without the director's setup and checks. */
export function scheduleLines(events: readonly TraceEvent[]): string[] {
  return renderTimeline(events).filter((line) => !/^\s*\d*\s+director\s/.test(line));
}

/** The lines `run` and `shrink` print about a failure's tape. */
export function failureLines(r: FailureReport, options: { schedule: boolean }): string[] {
  const out: string[] = [];
  if (r.shrunk) {
    const s = r.shrunk;
    out.push(
      `  shrunk: tape ${s.before} -> ${s.after} choices in ${s.ms} ms (${s.replays} replays${s.budgetSpent ? ", replay budget spent" : ""}), still ${r.kind}`,
    );
    if (options.schedule) {
      out.push("  minimal schedule:");
      for (const line of scheduleLines(r.final.trace.events())) out.push(`  ${line}`);
    }
  }
  out.push(`  tape (${r.tape.length}): ${JSON.stringify(r.tape)}`);
  out.push(`  tape file: ${r.tapeFile}`);
  if (r.savedTo) out.push(`  saved to the seed ledger ${r.savedTo}`);
  out.push(`  replay the tape: ${r.replay}`);
  return out;
}
