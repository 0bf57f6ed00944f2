// `omnisim hunt`: every scenario on its red profile and on `fixed`, with a budget of
// universes per cell, a progress bar on a terminal, and a closing table. Exit 0 when every
// cell is as expected (red where the bug lives, green on `fixed`), 1 otherwise. The portfolio
// is the default strategy; each cell's first failure is shrunk (unless `--no-shrink`), its tape
// written, and with `--save` added to the seed ledger.
import { performance } from "node:perf_hooks";
import cliProgress from "cli-progress";
import type { ProfileName } from "../../engine/fixes.ts";
import { SCENARIOS } from "../../scenarios/registry.ts";
import { formSpec, type Scenario } from "../../scenarios/types.ts";
import type { SearchSummary } from "../../sim/search.ts";
import { throughputLine, throughputOf } from "../../sim/throughput.ts";
import { defaultJobs, type SearchPool } from "../parallel/parallel-search.ts";
import type { ShardInfo } from "../parallel/merge.ts";
import { parseSpread, poolFor, type Spread, type SpreadFlags, spreadSearch } from "../parallel/spread.ts";
import { exploreSchedules } from "../../sim/strategies/dfs-search.ts";
import { parseCount, parseSeed, resolveProfile, resolveScenario, UsageError } from "../args.ts";
import { virtualBackend } from "../../sim/universe.ts";
import { saveTarget } from "../ledger.ts";
import { afterFailure } from "../failure.ts";
import { parseStrategyChoice, seededStrategies, type StrategyChoice, type StrategyFlags, strategyLabel } from "../strategies.ts";

export interface HuntFlags extends StrategyFlags, SpreadFlags {
  budget?: string;
  seed?: string;
  scenario?: string[];
  json?: boolean;
  shrink?: boolean;
  save?: boolean | string;
}

/** Below this many universes in all, a hunt runs on one thread unless `--jobs` says otherwise. */
export const SMALL_HUNT = 1000;

/** Universes per cell when no `--budget` is given. */
export const DEFAULT_HUNT_BUDGET = 1500;

interface Cell {
  scenario: Scenario;
  profile: ProfileName;
  expectRed: boolean;
}

interface Row {
  scenario: string;
  bug: string;
  profile: string;
  expected: "red" | "green";
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
  /** The portfolio member that found the first failure. */
  member: string | null;
  /** The first failure's tape length, before and after shrinking (equal with --no-shrink). */
  tape: { before: number; after: number; shrinkMs: number | null; file: string } | null;
}

function cellsOf(scenarios: readonly Scenario[]): Cell[] {
  const cells: Cell[] = [];
  for (const s of scenarios) {
    if (s.redProfile && s.redProfile !== "fixed") cells.push({ scenario: s, profile: s.redProfile, expectRed: true });
    cells.push({ scenario: s, profile: "fixed", expectRed: s.redProfile === "fixed" });
  }
  return cells;
}

export async function huntCommand(flags: HuntFlags): Promise<number> {
  const budget = flags.budget !== undefined ? parseCount(flags.budget, "--budget") : DEFAULT_HUNT_BUDGET;
  const fromSeed = flags.seed !== undefined ? parseSeed(flags.seed) : 1;
  const choice = parseStrategyChoice(flags, "portfolio");
  saveTarget(flags.save);
  const scenarios = flags.scenario?.length ? flags.scenario.map(resolveScenario) : SCENARIOS;
  const cells = cellsOf(scenarios);
  // Every core by default, except for a hunt too small to repay starting the threads (each loads
  // the sources, a few seconds on a busy machine).
  const spread = parseSpread(flags, cells.length * budget >= SMALL_HUNT ? defaultJobs() : 1);
  // Exhaustive search explores one seed's schedules: nothing to split (the default --jobs is ignored).
  if (choice.name === "dfs" && (flags.jobs !== undefined || spread.shard)) {
    throw new UsageError("--jobs and --shard split seeds; exhaustive search explores one seed's schedules");
  }
  const pool = choice.name === "dfs" ? null : poolFor(spread);
  try {
    return await huntCells(flags, cells, { budget, fromSeed, choice, spread, pool });
  } finally {
    await pool?.destroy();
  }
}

async function huntCells(
  flags: HuntFlags,
  cells: readonly Cell[],
  o: { budget: number; fromSeed: number; choice: StrategyChoice; spread: Spread; pool: SearchPool | null },
): Promise<number> {
  const { budget, fromSeed, choice } = o;
  const huntStarted = performance.now();
  const bar =
    process.stderr.isTTY && !flags.json
      ? new cliProgress.SingleBar(
          { format: "hunt [{bar}] {value}/{total} universes | {cell}", stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : null;
  bar?.start(cells.length * budget, 0, { cell: "" });
  const rows: Row[] = [];
  let done = 0;
  for (const cell of cells) {
    const profile = resolveProfile(cell.profile);
    const spec = formSpec(cell.scenario, "searched");
    const started = performance.now();
    const onUniverse = () => bar?.update(++done, { cell: `${cell.scenario.name} on ${cell.profile}` });
    const { summary, member, shard } = await searchCell(choice, cell, spec, profile.fixes, fromSeed, budget, !cell.expectRed, onUniverse, o.spread, o.pool);
    done += budget - summary.universes;
    bar?.update(done);
    const first = summary.firstFailure;
    const elapsedMs = Math.round(performance.now() - started);
    const rates = throughputOf({ universes: summary.universes, steps: summary.steps, operationsCompleted: summary.operationsCompleted }, elapsedMs);
    let tape: Row["tape"] = null;
    if (first) {
      const r = await afterFailure({
        scenario: cell.scenario,
        form: "searched",
        spec,
        profile,
        strategy: strategyLabel(choice),
        result: first,
        shrink: flags.shrink ?? true,
        ...(flags.save !== undefined ? { save: flags.save } : {}),
      });
      tape = { before: first.tape.length, after: r.tape.length, shrinkMs: r.shrunk?.ms ?? null, file: r.tapeFile };
    }
    rows.push({
      scenario: cell.scenario.name,
      bug: cell.scenario.bug,
      profile: cell.profile,
      expected: cell.expectRed ? "red" : "green",
      universes: summary.universes,
      violations: summary.violations,
      firstFailingSeed: first?.seed ?? null,
      firstViolation: first ? first.violations[0]!.kind : null,
      // A scenario that names no bug (the random workload) counts every violation as its own.
      symptom: first ? cell.scenario.symptoms.length === 0 || cell.scenario.symptoms.includes(first.violations[0]!.kind) : false,
      elapsedMs,
      steps: summary.steps,
      operationsAttempted: summary.operationsAttempted,
      operationsCompleted: summary.operationsCompleted,
      universesPerSecond: rates.universesPerSecond,
      stepsPerSecond: rates.stepsPerSecond,
      operationsPerSecond: rates.operationsPerSecond,
      shard,
      asExpected: cell.expectRed === (first !== null),
      member: first ? member(first.seed) : null,
      tape,
    });
  }
  bar?.stop();
  printTable(rows);
  const sum = (f: (r: Row) => number) => rows.reduce((t, r) => t + f(r), 0);
  const total = throughputOf(
    { universes: sum((r) => r.universes), steps: sum((r) => r.steps), operationsCompleted: sum((r) => r.operationsCompleted) },
    performance.now() - huntStarted,
  );
  const threads = o.pool ? ` on ${o.spread.jobs} threads` : "";
  if (!flags.json) console.log(`hunt: ${total.universes} universes, ${throughputLine(total)}${threads} (wall time of the whole hunt: thread start-up and shrinking included)`);
  if (flags.json) {
    console.log(
      JSON.stringify({
        budget,
        strategy: choice.name,
        strategyLabel: strategyLabel(choice),
        jobs: o.pool ? o.spread.jobs : 1,
        shard: o.spread.shard,
        throughput: total,
        rows,
      }),
    );
  }
  return rows.every((r) => r.asExpected) ? 0 : 1;
}

/** One cell's search: seeded strategies over `budget` seeds, or exhaustive search capped at `budget` universes. */
async function searchCell(
  choice: StrategyChoice,
  cell: Cell,
  spec: ReturnType<typeof formSpec>,
  fixes: ReturnType<typeof resolveProfile>["fixes"],
  fromSeed: number,
  budget: number,
  keepGoing: boolean,
  onUniverse: () => void,
  spread: Spread,
  pool: SearchPool | null,
): Promise<{ summary: SearchSummary; member: (seed: number) => string; shard: ShardInfo | null }> {
  if (choice.name === "dfs") {
    const s = await exploreSchedules({
      spec,
      fixes,
      seed: fromSeed,
      preemptions: choice.preemptions!,
      reduction: choice.reduction ?? true,
      maxUniverses: budget,
      keepGoing,
      onUniverse,
    });
    return { summary: s, member: () => strategyLabel(choice), shard: null };
  }
  const seeded = await seededStrategies(choice, spec, fixes);
  const summary = await spreadSearch({
    task: { scenario: cell.scenario.name, form: "searched", fixes, strategy: choice, fromSeed, universes: budget, keepGoing, backend: { name: "virtual" } },
    spread,
    pool,
    spec,
    strategyFor: seeded.forSeed,
    backend: virtualBackend,
    onUniverse,
  });
  return { summary, member: seeded.describe, shard: summary.shard };
}

function printTable(rows: readonly Row[]): void {
  const header = ["scenario", "bug", "profile", "expect", "universes", "violations", "first failing seed", "violation", "tape", "ms", ""];
  const body = rows.map((r) => [
    r.scenario,
    r.bug,
    r.profile,
    r.expected,
    String(r.universes),
    String(r.violations),
    r.firstFailingSeed === null ? "-" : String(r.firstFailingSeed),
    r.firstViolation === null ? "-" : r.symptom ? r.firstViolation : `${r.firstViolation} (another bug)`,
    r.tape === null ? "-" : r.tape.shrinkMs === null ? String(r.tape.after) : `${r.tape.before}->${r.tape.after}`,
    String(r.elapsedMs),
    r.asExpected ? "ok" : "UNEXPECTED",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of body) console.log(line(row));
}
