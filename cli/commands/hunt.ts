// `omnisim hunt`: every scenario on its red profile and on `fixed` (or on the profiles given with
// `--profile`), a budget of universes per cell (`--budget`, or a wall-clock `--time` shared by
// the cells), progress on a terminal, an 80-column table (`--details` for every column), and
// for each failure the line that replays it. Exit 0 when every cell is as expected (red where
// the bug lives, green on `fixed`), 1 otherwise, 2 on bad input. The portfolio is the default
// strategy. Each cell's first failure is shrunk (unless `--no-shrink`); tapes and ledger entries
// (`--save`) are written only after the table, the failures and the reports are out.
import { performance } from "node:perf_hooks";
import { isProfileName, type ProfileName } from "../../engine/fixes.ts";
import { SCENARIOS } from "../../scenarios/registry.ts";
import { formSpec, type Scenario } from "../../scenarios/types.ts";
import type { SearchSummary } from "../../sim/search.ts";
import { throughputLine, throughputOf } from "../../sim/throughput.ts";
import type { ShardInfo } from "../parallel/merge.ts";
import { defaultJobs, type SearchPool } from "../parallel/parallel-search.ts";
import { shardSeeds } from "../parallel/shard.ts";
import { parseSpread, poolFor, type Spread, type SpreadFlags, spreadSearch } from "../parallel/spread.ts";
import { exploreSchedules } from "../../sim/strategies/dfs-search.ts";
import type { UniverseResult } from "../../sim/universe.ts";
import { checkSeedRange, parseCount, parseProfile, parseSeed, parseTime, resolveProfile, UsageError } from "../args.ts";
import { type Failure, foundLines, replayOf, saveArtefacts, type Shrunk, shrinkFailure, tapeFileOf } from "../failure.ts";
import { checkpoint } from "../interrupt.ts";
import { type LanceFlags, resolveRunBackend, type RunBackend } from "../lance-runs.ts";
import { saveTarget } from "../ledger.ts";
import { checkWritable, Output, type OutputFlags, reportErrors } from "../output.ts";
import { Progress } from "../progress.ts";
import { loadScenario } from "../scenario-ref.ts";
import { parseStrategyChoice, seededStrategies, type StrategyChoice, type StrategyFlags, strategyLabel } from "../strategies.ts";

export interface HuntFlags extends StrategyFlags, LanceFlags, OutputFlags, SpreadFlags {
  budget?: string;
  seed?: string;
  time?: string;
  scenario?: string[];
  profile?: string[];
  details?: boolean;
  shrink?: boolean;
  save?: boolean | string;
}

/** Below this many universes in all, a hunt runs on one thread unless `--jobs` says otherwise. */
export const SMALL_HUNT = 1000;

/** Universes per cell when no `--budget` is given. */
export const DEFAULT_HUNT_BUDGET = 1500;

type Expectation = "red" | "green" | "any";

interface Cell {
  readonly scenario: Scenario;
  readonly ref: string;
  readonly profile: ProfileName;
  readonly expect: Expectation;
}

export interface HuntRow {
  scenario: string;
  bug: string;
  profile: string;
  expected: Expectation;
  universes: number;
  violations: number;
  firstFailingSeed: number | null;
  firstViolation: string | null;
  /** Whether the first violation is one of the scenario's declared symptoms. */
  symptom: boolean;
  elapsedMs: number;
  /** The work the cell's search did: scheduling points and the scenario's operations, begun and ended. */
  steps: number;
  operationsAttempted: number;
  operationsCompleted: number;
  universesPerSecond: number;
  stepsPerSecond: number;
  operationsPerSecond: number;
  /** This command's slice of the cell's seeds, under --shard (merge-reports puts the cells back together). */
  shard: ShardInfo | null;
  asExpected: boolean;
  /** The strategy member that found the first failure (the portfolio's member and knobs). */
  member: string | null;
  traceHash: string | null;
  /** The line that replays the first failure from its seed. */
  replay: string | null;
  /** The line that replays its (shrunk) tape file. */
  replayTape: string | null;
  tape: { before: number; after: number; shrinkMs: number | null; file: string } | null;
}

/** Which cells a hunt runs: each scenario on its red profile and `fixed`, or on the profiles asked for. */
function cellsOf(scenarios: readonly { scenario: Scenario; ref: string }[], profiles: readonly ProfileName[] | null): Cell[] {
  const cells: Cell[] = [];
  for (const { scenario: s, ref } of scenarios) {
    const expectOn = (p: ProfileName): Expectation => (p === s.redProfile ? "red" : p === "fixed" || s.redProfile === null ? "green" : "any");
    const wanted = profiles ?? [...(s.redProfile && s.redProfile !== "fixed" ? [s.redProfile] : []), "fixed" as const];
    for (const p of wanted) cells.push({ scenario: s, ref, profile: p, expect: expectOn(p) });
  }
  return cells;
}

interface CellOutcome {
  readonly row: HuntRow;
  readonly failure: Failure | null;
  readonly shrunk: Shrunk | null;
}

export async function huntCommand(flags: HuntFlags): Promise<number> {
  const budget = flags.budget !== undefined ? parseCount(flags.budget, "--budget") : DEFAULT_HUNT_BUDGET;
  const fromSeed = flags.seed !== undefined ? parseSeed(flags.seed) : 1;
  checkSeedRange(fromSeed, budget);
  const choice = parseStrategyChoice(flags, "portfolio");
  const save = saveTarget(flags.save);
  const budgetMs = flags.time !== undefined ? parseTime(flags.time) : null;
  const profiles = flags.profile?.length ? flags.profile.map(parseProfile).filter(isProfileName) : null;
  const scenarios = flags.scenario?.length ? await Promise.all(flags.scenario.map(loadScenario)) : SCENARIOS.map((s) => ({ scenario: s, ref: s.name }));
  checkWritable(flags.report, "report");
  checkWritable(flags.junit, "JUnit report");
  const backend = resolveRunBackend(flags, { scenario: "hunt", form: "searched", profile: "hunt", strategy: strategyLabel(choice) });
  if (backend.name === "lance" && choice.name === "dfs") throw new UsageError("exhaustive search runs on the virtual store only");
  // Every core by default, on the virtual store; Lance universes run one at a time, in this process.
  // Every core by default on the virtual store, except for a hunt too small to repay starting
  // the threads (each loads the sources, a few seconds on a busy machine); Lance universes run one
  // at a time, in this process.
  const cells = cellsOf(scenarios, profiles);
  const spread = parseSpread(flags, backend.name === "lance" || cells.length * budget < SMALL_HUNT ? 1 : defaultJobs());
  if (backend.name === "lance" && spread.jobs > 1) throw new UsageError("--jobs runs on the virtual store only (Lance universes run one at a time, in this process)");
  // Exhaustive search explores one seed's schedules: nothing to split (the default --jobs is ignored).
  if (choice.name === "dfs" && (flags.jobs !== undefined || spread.shard)) {
    throw new UsageError("--jobs and --shard split seeds; exhaustive search explores one seed's schedules");
  }
  const out = new Output(flags);
  const started = performance.now();
  const perCell = spread.shard ? shardSeeds(fromSeed, budget, spread.shard).universes : budget;
  const progress = new Progress("hunt", cells.length * perCell, "universes");
  const pool = choice.name === "dfs" ? null : poolFor(spread);
  const outcomes: CellOutcome[] = [];
  try {
    for (const [i, cell] of cells.entries()) {
      // A time budget is shared: each cell gets an equal part of what is left.
      const deadline = budgetMs === null ? null : performance.now() + (started + budgetMs - performance.now()) / (cells.length - i);
      outcomes.push(await huntCell(cell, { choice, fromSeed, budget, perCell, deadline, backend, progress, shrink: flags.shrink !== false, spread, pool }));
    }
  } finally {
    progress.stop();
    await pool?.destroy();
  }
  const rows = outcomes.map((o) => o.row);
  out.lines(flags.details ? detailTable(rows) : compactTable(rows));
  out.lines(failureSection(outcomes));
  const elapsedMs = Math.round(performance.now() - started);
  const ok = rows.every((r) => r.asExpected);
  out.line(`${ok ? "ok" : "UNEXPECTED"}: ${rows.filter((r) => r.asExpected).length} of ${rows.length} cells as expected in ${(elapsedMs / 1000).toFixed(1)} s`);
  const sum = (f: (r: HuntRow) => number) => rows.reduce((t, r) => t + f(r), 0);
  const total = throughputOf({ universes: sum((r) => r.universes), steps: sum((r) => r.steps), operationsCompleted: sum((r) => r.operationsCompleted) }, elapsedMs);
  out.line(`hunt: ${total.universes} universes, ${throughputLine(total)}${pool ? ` on ${spread.jobs} threads` : ""} (wall time of the whole hunt: thread start-up and shrinking included)`);
  const doc = {
    budget,
    fromSeed,
    strategy: choice.name,
    strategyLabel: strategyLabel(choice),
    backend: backend.name,
    jobs: pool ? spread.jobs : 1,
    shard: spread.shard,
    throughput: total,
    elapsedMs,
    ok,
    rows,
  };
  const errors = out.result(doc, () => ({ suite: "omnisim hunt", cases: rows.map(huntJunitCase) }));
  for (const o of outcomes) {
    if (!o.failure) continue;
    const saved = saveArtefacts(o.failure, o.shrunk?.tape ?? o.failure.result.tape, { save });
    errors.push(...saved.errors);
  }
  reportErrors(errors);
  return ok ? (errors.length ? 2 : 0) : 1;
}

interface CellOptions {
  readonly choice: StrategyChoice;
  readonly fromSeed: number;
  readonly budget: number;
  /** The universes of each cell this command runs (its shard's slice of `budget`). */
  readonly perCell: number;
  readonly spread: Spread;
  readonly pool: SearchPool | null;
  readonly deadline: number | null;
  readonly backend: RunBackend;
  readonly progress: Progress;
  readonly shrink: boolean;
}

async function huntCell(cell: Cell, o: CellOptions): Promise<CellOutcome> {
  const profile = resolveProfile(cell.profile);
  const spec = formSpec(cell.scenario, "searched");
  const started = performance.now();
  const note = `${cell.scenario.name} on ${cell.profile}`;
  const naming = { scenario: cell.ref, form: "searched", profile: cell.profile, strategy: strategyLabel(o.choice) };
  // On worker threads (`--jobs`) a universe is only counted here (null).
  const onUniverse = (r: UniverseResult | null) => {
    o.progress.advance(1, r?.verdict === "fail" ? 1 : 0, note);
    if (r) o.backend.after(r, naming);
  };
  // On a cell expected green every failure is counted; on a red one the first is enough.
  const keepGoing = cell.expect === "green";
  let summary: SearchSummary;
  let shard: ShardInfo | null = null;
  let member: (seed: number) => string | null = () => null;
  if (o.choice.name === "dfs") {
    summary = await exploreSchedules({
      spec,
      fixes: profile.fixes,
      seed: o.fromSeed,
      preemptions: o.choice.preemptions!,
      reduction: o.choice.reduction ?? true,
      maxUniverses: o.budget,
      keepGoing,
      onUniverse,
      checkpoint: checkpoint(o.deadline),
    });
  } else {
    const seeded = await seededStrategies(o.choice, spec, profile.fixes);
    if (o.choice.name !== "random") member = seeded.describe;
    const spread = await spreadSearch({
      task: { scenario: cell.ref, form: "searched", fixes: profile.fixes, strategy: o.choice, fromSeed: o.fromSeed, universes: o.budget, keepGoing, backend: { name: o.backend.name } },
      spread: o.spread,
      pool: o.pool,
      spec,
      strategyFor: seeded.forSeed,
      backend: o.backend.factory,
      onUniverse,
      checkpoint: checkpoint(o.deadline),
      stop: () => o.deadline !== null && performance.now() >= o.deadline,
    });
    summary = spread;
    shard = spread.shard;
  }
  await o.backend.finish(spec, profile.fixes);
  o.progress.advance(o.perCell - summary.universes);
  const first = summary.firstFailure;
  const elapsedMs = Math.round(performance.now() - started);
  const rates = throughputOf({ universes: summary.universes, steps: summary.steps, operationsCompleted: summary.operationsCompleted }, elapsedMs);
  const failure: Failure | null = first
    ? { scenario: cell.scenario, ref: cell.ref, form: "searched", spec, profile, strategy: o.choice, member: member(first.seed), result: first, backend: o.backend.name }
    : null;
  const shrunk = failure && o.shrink ? await shrinkFailure(failure) : null;
  const tapeFile = failure ? tapeFileOf(failure) : null;
  const symptom = first ? cell.scenario.symptoms.length === 0 || cell.scenario.symptoms.includes(first.violations[0]!.kind) : false;
  const row: HuntRow = {
    scenario: cell.scenario.name,
    bug: cell.scenario.bug,
    profile: cell.profile,
    expected: cell.expect,
    universes: summary.universes,
    violations: summary.violations,
    firstFailingSeed: first?.seed ?? null,
    firstViolation: first ? first.violations[0]!.kind : null,
    // A scenario that names no bug (the random workload) counts every violation as its own.
    symptom,
    elapsedMs,
    steps: summary.steps,
    operationsAttempted: summary.operationsAttempted,
    operationsCompleted: summary.operationsCompleted,
    universesPerSecond: rates.universesPerSecond,
    stepsPerSecond: rates.stepsPerSecond,
    operationsPerSecond: rates.operationsPerSecond,
    shard,
    asExpected: cell.expect === "any" || (cell.expect === "red") === (first !== null),
    member: first ? member(first.seed) : null,
    traceHash: first?.traceHash ?? null,
    replay: failure ? (o.choice.name === "dfs" ? replayOf(failure, tapeFile!) : replayOf(failure)) : null,
    replayTape: failure ? replayOf(failure, tapeFile!) : null,
    tape: first ? { before: first.tape.length, after: shrunk?.tape.length ?? first.tape.length, shrinkMs: shrunk?.ms ?? null, file: tapeFile! } : null,
  };
  return { row, failure, shrunk };
}

const verdictOf = (r: HuntRow) => (r.asExpected ? "ok" : "FAIL");

function found(r: HuntRow): string {
  if (r.firstViolation === null) return r.expected === "red" ? `none in ${r.universes}` : "-";
  return `${r.firstViolation}${r.symptom ? "" : "*"} @${r.firstFailingSeed}`;
}

function table(header: readonly string[], body: readonly string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)];
}

/** Fits in `width` columns: a long violation kind is cut (`--details` and JSON have it whole). */
function fit(text: string, width: number): string {
  if (text.length <= width) return text;
  const at = text.lastIndexOf(" @");
  const tail = at >= 0 ? text.slice(at) : "";
  return `${text.slice(0, Math.max(1, width - tail.length - 1))}~${tail}`;
}

const WIDTH = 80;

/** Scenario, profile, expectation, verdict, first failure: fits 80 columns. */
function compactTable(rows: readonly HuntRow[]): string[] {
  const body = rows.map((r) => [r.scenario, r.profile, r.expected, verdictOf(r)]);
  const used = [0, 1, 2, 3].reduce((sum, i) => sum + Math.max(["scenario", "profile", "want", "ok?"][i]!.length, ...body.map((b) => b[i]!.length)) + 2, 0);
  const lines = table(
    ["scenario", "profile", "want", "ok?", "first failure"],
    rows.map((r, i) => [...body[i]!, fit(found(r), Math.max(16, WIDTH - used))]),
  );
  if (rows.some((r) => r.firstViolation !== null && !r.symptom)) lines.push("* not the scenario's own symptom (another bug found on the way)");
  lines.push("(--details for universes, violations, strategy members, tapes and times)");
  return lines;
}

function detailTable(rows: readonly HuntRow[]): string[] {
  return table(
    ["scenario", "bug", "profile", "want", "ok?", "universes", "violations", "first failure", "member", "tape", "ms"],
    rows.map((r) => [
      r.scenario,
      r.bug,
      r.profile,
      r.expected,
      verdictOf(r),
      String(r.universes),
      String(r.violations),
      found(r),
      r.member ?? "-",
      r.tape === null ? "-" : r.tape.shrinkMs === null ? String(r.tape.after) : `${r.tape.before}->${r.tape.after}`,
      String(r.elapsedMs),
    ]),
  );
}

/** Every failure, with its trace hash and the line that replays it. */
function failureSection(outcomes: readonly CellOutcome[]): string[] {
  const failed = outcomes.filter((o) => o.failure);
  if (failed.length === 0) return [];
  const lines = ["", "failures (each line replays its failure exactly; the trace hash must match):"];
  for (const o of failed) {
    const [head, violation, trace] = foundLines(o.failure!, o.row.asExpected ? "" : "  UNEXPECTED");
    lines.push(head!, violation!, trace!, `  replay: ${o.row.replay}`);
  }
  return lines;
}

/** A hunt cell as a JUnit test case (merge-reports makes them from merged rows too). */
export function huntJunitCase(r: HuntRow) {
  const name = `${r.scenario} on ${r.profile}`;
  const seconds = r.elapsedMs / 1000;
  if (r.asExpected) return { name, className: r.scenario, seconds, failure: null, ...(r.replay ? { output: `found ${r.firstViolation} at seed ${r.firstFailingSeed}: ${r.replay}` } : {}) };
  const message =
    r.firstViolation !== null
      ? `${r.firstViolation} at seed ${r.firstFailingSeed} (expected ${r.expected}): ${r.replay}`
      : `no violation in ${r.universes} universes (expected red on ${r.profile})`;
  return {
    name,
    className: r.scenario,
    seconds,
    failure: { message, type: r.firstViolation ?? "not-found", details: [message, ...(r.traceHash ? [`trace ${r.traceHash}`] : []), ...(r.replayTape ? [`tape: ${r.replayTape}`] : [])].join("\n") },
  };
}
