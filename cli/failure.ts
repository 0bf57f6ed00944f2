// What happens after a universe fails, in `run`, `hunt` and `shrink`, in this order:
//   1. say what failed and print the line that replays it (`found`);
//   2. shrink its tape, keeping the failure's signature (unless `--no-shrink`);
//   3. the caller writes its JSON (and `--report`, `--junit`);
//   4. only then save artefacts: the tape file, and the seed ledger with `--save`.
// Failing to save an artefact is reported on stderr and never hides the failure.
import { performance } from "node:perf_hooks";
import type { Scenario, ScenarioForm } from "../scenarios/types.ts";
import type { BackendName } from "../sim/backends.ts";
import { DEFAULT_SHRINK_REPLAYS, shrinkTape } from "../sim/shrink/shrink.ts";
import { describeSignature, type FailureSignature, signatureOf, violationSignature } from "../sim/shrink/signature.ts";
import type { UniverseResult, UniverseSpec } from "../sim/universe.ts";
import type { Violation } from "../sim/violations.ts";
import type { ProfileChoice } from "./args.ts";
import { artefactPath, writeArtefact } from "./artefacts.ts";
import { appendToLedger, type LedgerEntry, LEDGER_PATH } from "./ledger.ts";
import { Progress } from "./progress.ts";
import { replayLine } from "./replay-command.ts";
import { type StrategyChoice, strategyLabel } from "./strategies.ts";
import { scheduleLines } from "./timeline.ts";
import { checkpoint } from "./interrupt.ts";

/** A failing universe and everything that names it. */
export interface Failure {
  readonly scenario: Scenario;
  /** The scenario as the command line names it (a name, or a scenario file's path). */
  readonly ref: string;
  readonly form: ScenarioForm;
  readonly spec: UniverseSpec;
  readonly profile: ProfileChoice;
  /** The strategy that chose the universe's steps; null when a tape file did (`shrink --tape`). */
  readonly strategy: StrategyChoice | null;
  /** The portfolio member (or PCT's bounds) that ran this seed. */
  readonly member: string | null;
  readonly result: UniverseResult;
  readonly backend: BackendName;
}

export function failureStrategyLabel(f: Failure): string {
  return f.strategy ? strategyLabel(f.strategy) : "tape";
}

/** The line that replays the failing universe from its seed. */
export function replayOf(f: Failure, tapeFile?: string): string {
  return replayLine({
    scenario: f.ref,
    form: f.form,
    seed: f.result.seed,
    profile: f.profile,
    ...(f.strategy && tapeFile === undefined ? { strategy: f.strategy } : {}),
    ...(tapeFile !== undefined ? { tapeFile } : {}),
    backend: f.backend,
    ...(f.spec.storageFaults?.kinds.length ? { faults: f.spec.storageFaults.kinds } : {}),
  });
}

export function signatureText(result: UniverseResult): string {
  const s = signatureOf(result);
  return s ? describeSignature(s) : "pass";
}

/** Step 1: what failed and how to replay it (`v`: the violation to show, by default the first). */
export function foundLines(f: Failure, where: string, v: Violation = f.result.violations[0]!): string[] {
  const form = f.form === "scripted" ? " (scripted)" : "";
  const via = f.member ? ` [${f.member}]` : "";
  return [
    `FAIL ${f.scenario.name}${form} on ${f.profile.label}: seed ${f.result.seed}${where}${via}`,
    `  ${v.kind}: ${v.message}`,
    `  trace ${f.result.traceHash}`,
    `  replay: ${replayOf(f)}`,
  ];
}

export interface Shrunk {
  readonly tape: readonly number[];
  readonly before: number;
  readonly after: number;
  readonly replays: number;
  /** Scheduling points replayed in all. */
  readonly steps: number;
  readonly ms: number;
  readonly budgetSpent: boolean;
  readonly signature: FailureSignature;
  /** The replay of the shrunk tape. */
  readonly final: UniverseResult;
}

/** Step 2: shrink the tape while the failure's signature holds, with progress on a terminal. */
/** What a shrink may spend: replays and scheduling points over all replays (defaults: the shrinker's). */
export interface ShrinkBudget {
  readonly maxReplays?: number;
  readonly maxSteps?: number;
  /**
   * The violation the shrunk tape must keep showing, first or not (default: the failure's first
   * violation, kept first): a hunt's deciding violation.
   */
  readonly keep?: Violation;
}

export async function shrinkFailure(f: Failure, limits: ShrinkBudget = {}): Promise<Shrunk> {
  const started = performance.now();
  const budget = limits.maxReplays ?? DEFAULT_SHRINK_REPLAYS;
  const progress = new Progress(`shrink ${f.scenario.name}`, budget, "replays");
  const yieldNow = checkpoint(null);
  try {
    const s = await shrinkTape({
      spec: f.spec,
      fixes: f.profile.fixes,
      seed: f.result.seed,
      tape: f.result.tape,
      maxReplays: budget,
      ...(limits.maxSteps !== undefined ? { maxSteps: limits.maxSteps } : {}),
      ...(limits.keep ? { signature: violationSignature(limits.keep), anywhere: true } : {}),
      onReplay: async () => {
        progress.advance(1);
        await yieldNow();
      },
    });
    return {
      tape: s.tape,
      before: s.before,
      after: s.after,
      replays: s.replays,
      steps: s.steps,
      ms: Math.round(performance.now() - started),
      budgetSpent: s.budgetSpent,
      signature: s.signature,
      final: s.result,
    };
  } finally {
    progress.stop();
  }
}

/**
 * Shrinks, but never lets the shrinker hide the failure it was given: an error while shrinking
 * (an internal limit, a bug of ours) is one line on stderr and the unshrunk failure stands.
 */
export async function shrinkOrKeep(f: Failure, limits: ShrinkBudget = {}): Promise<Shrunk | null> {
  try {
    return await shrinkFailure(f, limits);
  } catch (e) {
    process.stderr.write(`omnisim: shrinking ${f.scenario.name} seed ${f.result.seed} failed (${e instanceof Error ? e.message : String(e)}); the failure above stands unshrunk\n`);
    return null;
  }
}

/** The tape file a failure's tape goes to (planned before anything is written). */
export function tapeFileOf(f: Failure, out?: string): string {
  return (
    out ??
    artefactPath({ scenario: f.scenario.name, form: f.form, profile: f.profile.label, strategy: failureStrategyLabel(f), seed: f.result.seed }, "tape.json")
  );
}

/** The ledger entry of `tape`; `replayed` is the universe it replays to (default: the failure's own). */
export function ledgerEntryOf(f: Failure, tape: readonly number[], replayed: UniverseResult = f.result): LedgerEntry {
  return {
    scenario: f.scenario.name,
    profile: f.profile.label,
    form: f.form,
    seed: f.result.seed,
    strategy: failureStrategyLabel(f),
    violation: replayed.violations[0]!.kind,
    tape,
  };
}

/** The lines about a shrunk tape: before and after, the minimal schedule, the tape itself. */
export function shrunkLines(s: Shrunk, options: { schedule: boolean }): string[] {
  const out = [
    `  shrunk: tape ${s.before} -> ${s.after} choices in ${s.ms} ms (${s.replays} replays${s.budgetSpent ? ", shrink budget spent" : ""}), still ${describeSignature(s.signature)}`,
  ];
  if (options.schedule) {
    out.push("  minimal schedule (> marks a switch to another actor):");
    for (const line of scheduleLines(s.final.trace.events())) out.push(`  ${line}`);
  }
  out.push(`  shrunk tape (${s.tape.length}): ${JSON.stringify(s.tape)}  trace ${s.final.traceHash}`);
  return out;
}

export interface Saved {
  /** The tape file written (it may carry a number if another file had the name). */
  readonly tapeFile: string | null;
  readonly ledger: string | null;
  /** One line per artefact that could not be saved. */
  readonly errors: readonly string[];
}

/**
 * Step 4: write the tape file (`.omnisim/<scenario>.<form>.<profile>.<strategy>.seed<S>.tape.json`,
 * never overwriting another tape) and, with `--save`, the ledger entry. Errors are returned.
 */
export function saveArtefacts(f: Failure, tape: readonly number[], options: { out?: string; save?: string | null; replayed?: UniverseResult }): Saved {
  const errors: string[] = [];
  // A shrunk tape that keeps a violation which is not its first may show another one first.
  const entry = ledgerEntryOf(f, tape, options.replayed);
  let tapeFile: string | null = null;
  try {
    tapeFile = writeArtefact(tapeFileOf(f, options.out), "tape.json", `${JSON.stringify(entry)}\n`, options.out !== undefined);
  } catch (e) {
    errors.push((e as Error).message);
  }
  let ledger: string | null = null;
  if (options.save) {
    try {
      appendToLedger([entry], options.save);
      ledger = options.save;
    } catch (e) {
      errors.push(`cannot save to the seed ledger ${options.save}: ${(e as Error).message}`);
    }
  }
  return { tapeFile, ledger, errors };
}

/** What `--save` tells the user about a failure found on `fixed` (see README, "A failure on fixed"). */
export function fixedNote(f: Failure, save: string | null): string | null {
  if (!save || f.profile.label !== "fixed") return null;
  const where = save === LEDGER_PATH ? "scenarios/regressions.json" : save;
  return `  note: found on fixed, so the ledger test stays red until a new fix flag closes it; then set this entry's profile in ${where} to fixed+<flag>=off (README: "From a failure on fixed to a fix flag").`;
}
