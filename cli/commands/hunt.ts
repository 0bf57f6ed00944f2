// `omnisim hunt`: every scenario on its red profile, on `upstream` and on `fixed` (a control on
// `seed` and `fixed`; or on the profiles given with `--profile`), a budget of universes per cell
// (`--budget`, or a wall-clock `--time` shared by the cells), progress on a terminal, an
// 80-column table (`--details` for every column), and for each failure the line that replays it.
// Cells are judged by the scenario's claim: a red cell searches until the scenario's own symptom
// shows (other bugs found on the way are listed, and do not make it red); a green cell must not
// show it; and a violation that no scenario claims as an open bug on that profile fails its cell
// (on `fixed`, every violation). Exit 0 when every cell holds, 1 otherwise, 2 on bad input. A
// failing cell reports the first universe that fails it under that rule, which need not be the
// first with a violation (cli/reported-failure.ts). The portfolio is the default strategy. The
// reported failure of each cell not as expected is shrunk (`--shrink-all`: every cell's;
// `--no-shrink`: none), within the shrinker's budget of replays and scheduling points; tapes and
// ledger entries (`--save`) are written only after the table, the failures and the reports are out.
import { performance } from "node:perf_hooks";
import { isProfileName, type ProfileName } from "../../engine/fixes.ts";
import { bugLabel, isClaimed, type ScenarioClaim } from "../../scenarios/claims.ts";
import { SCENARIOS } from "../../scenarios/registry.ts";
import { knownOpenBug } from "../../scenarios/verify/checks.ts";
import { defaultHuntProfiles, type Expectation, expectOn } from "../../scenarios/verify/hunt-cells.ts";
import { formSpec, type Scenario } from "../../scenarios/types.ts";
import type { StorageFaultKind } from "../../sim/faults/kinds.ts";
import { withStorageFaults } from "../../sim/faults/spec.ts";
import { parseFaultsFlag } from "./crashes.ts";
import { type CoverageData, mergeCoverage } from "../../sim/coverage.ts";
import { coverageLines, coverageReport } from "../coverage-lines.ts";
import { runCrashTask } from "../parallel/crash-task.ts";
import { summarizeCrashes } from "../crash-summary.ts";
import { MAX_CUT_DEPTH } from "../../sim/cuts/crash-state.ts";
import { replayLine } from "../replay-command.ts";
import type { ProfileChoice } from "../args.ts";
import { throughputLine, throughputOf } from "../../sim/throughput.ts";
import type { ShardInfo } from "../parallel/merge.ts";
import { defaultJobs, type SearchPool } from "../parallel/parallel-search.ts";
import { shardSeeds } from "../parallel/shard.ts";
import { parseSpread, poolFor, type Spread, type SpreadFlags, spreadSearch } from "../parallel/spread.ts";
import { runUniverse, type StrategyFactory, type UniverseResult, type UniverseSpec } from "../../sim/universe.ts";
import { type Because, judgeCell, type Reported } from "../reported-failure.ts";
import { signatureOf } from "../../sim/violations.ts";
import { checkSeedRange, parseCount, parseProfile, parseSeed, parseTime, resolveProfile, UsageError } from "../args.ts";
import { type Failure, foundLines, replayOf, saveArtefacts, type Shrunk, shrinkOrKeep, tapeFileOf } from "../failure.ts";
import { checkpoint } from "../interrupt.ts";
import { type LanceFlags, resolveRunBackend, type RunBackend } from "../lance-runs.ts";
import { saveTarget } from "../ledger.ts";
import { checkWritable, Output, type OutputFlags, reportErrors } from "../output.ts";
import { Progress } from "../progress.ts";
import { loadScenario } from "../scenario-ref.ts";
import { parseStrategyChoice, seededStrategies, type StrategyChoice, type StrategyFlags, strategyLabel } from "../strategies.ts";

export interface HuntFlags extends StrategyFlags, LanceFlags, OutputFlags, SpreadFlags {
  budget?: string;
  faults?: string;
  crashSeeds?: string;
  seed?: string;
  time?: string;
  scenario?: string[];
  profile?: string[];
  details?: boolean;
  shrink?: boolean;
  shrinkAll?: boolean;
  save?: boolean | string;
}

/** Below this many universes in all, a hunt runs on one thread unless `--jobs` says otherwise. */
export const SMALL_HUNT = 1000;

/** Universes per cell when no `--budget` is given. */
export const DEFAULT_HUNT_BUDGET = 1500;

/**
 * Seeds per cell whose every crash state a hunt enumerates (`--crash-seeds`). None by default:
 * one random-workload universe alone has some ten thousand states (half a minute), which would
 * multiply a default hunt's time; `omnisim crashes` is the command for them.
 */
export const DEFAULT_HUNT_CRASH_SEEDS = 0;

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
  /** What the scenario claims: a bug, a control (green on every profile) or a workload. */
  claim: ScenarioClaim["kind"];
  universes: number;
  /** Universes with any violation. */
  violations: number;
  distinctExecutions: number;
  /** Universes that showed the scenario's own claimed symptom (a workload: any violation), the first of them, and its signature. */
  claimed: number;
  claimedSeed: number | null;
  claimedViolation: string | null;
  /** Other bugs found on the way: signature, first seed, count, and whether another scenario claims it as an open bug here. */
  others: { signature: string; seed: number; count: number; known: boolean }[];
  /**
   * The reported universe (cli/reported-failure.ts): a failing cell's first universe that fails
   * it (a crash state of it when `failingCut` is set), else the first showing its own symptom,
   * else the first violation; its seed and the signature of the violation that decided.
   */
  firstFailingSeed: number | null;
  failingCut: string | null;
  firstViolation: string | null;
  /** Whether the reported failure shows the scenario's own symptom. */
  symptom: boolean;
  /** Why the cell is judged as it is, and one line on why it fails (null when as expected). */
  because: Because;
  why: string | null;
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
  /** Universes whose violations all followed a storage fault no engine survives by design (`--faults`): a documented limit, counted, never hidden. */
  limited: number;
  firstLimited: { seed: number; why: string } | null;
  /** Crash-state enumeration of the cell's first seeds (`--crash-seeds`), judged by the same claim. */
  crashStates: CrashCell | null;
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

/** Which cells a hunt runs: each scenario on its red profile, `upstream` and `fixed` (a control on `seed` and `fixed`), or on the profiles asked for. */
function cellsOf(scenarios: readonly { scenario: Scenario; ref: string }[], profiles: readonly ProfileName[] | null): Cell[] {
  const cells: Cell[] = [];
  for (const { scenario: s, ref } of scenarios) {
    const c = s.claim;
    const wanted = profiles ?? defaultHuntProfiles(c);
    for (const p of wanted) cells.push({ scenario: s, ref, profile: p, expect: expectOn(c, p) });
  }
  return cells;
}

interface CellOutcome {
  readonly row: HuntRow;
  readonly failure: Failure | null;
  readonly shrunk: Shrunk | null;
  readonly coverage: CoverageData;
}

/** What a cell's crash-state enumeration found. */
export interface CrashCell {
  seeds: number;
  states: number;
  distinctStates: number;
  /** States with a violation; of them, those showing the scenario's own symptom. */
  violations: number;
  claimed: number;
  /** The first failing state (its own symptom first, else any) and the line that replays its cut. */
  first: { seed: number; cut: string; signature: string; claimed: boolean; replay: string } | null;
  others: { signature: string; seed: number; cut: string; count: number; known: boolean }[];
}

export async function huntCommand(flags: HuntFlags): Promise<number> {
  const budget = flags.budget !== undefined ? parseCount(flags.budget, "--budget") : DEFAULT_HUNT_BUDGET;
  const fromSeed = flags.seed !== undefined ? parseSeed(flags.seed) : 1;
  checkSeedRange(fromSeed, budget);
  const choice = parseStrategyChoice(flags, "portfolio");
  const save = saveTarget(flags.save);
  const faults = parseFaultsFlag(flags.faults);
  // Crash states are enumerated once per cell, never split by shard (shard 1 of n runs them).
  const asked = flags.crashSeeds !== undefined ? parseCrashSeeds(flags.crashSeeds) : DEFAULT_HUNT_CRASH_SEEDS;
  if (faults.length > 0 && save) throw new UsageError("--save records no storage faults in the seed ledger yet: save a failure found without --faults");
  const budgetMs = flags.time !== undefined ? parseTime(flags.time) : null;
  const profiles = flags.profile?.length ? flags.profile.map(parseProfile).filter(isProfileName) : null;
  const scenarios = flags.scenario?.length ? await Promise.all(flags.scenario.map(loadScenario)) : SCENARIOS.map((s) => ({ scenario: s, ref: s.name }));
  checkWritable(flags.report, "report");
  checkWritable(flags.junit, "JUnit report");
  // Claims are judged over seeded searches; exhaustive search explores one seed's schedules.
  if (choice.name === "dfs") throw new UsageError("hunt runs seeded strategies (random, pct, portfolio); use `omnisim run --strategy dfs` for exhaustive search");
  const backend = resolveRunBackend(flags, { scenario: "hunt", form: "searched", profile: "hunt", strategy: strategyLabel(choice) });
  // Every core by default, on the virtual store; Lance universes run one at a time, in this process.
  // Every core by default on the virtual store, except for a hunt too small to repay starting
  // the threads (each loads the sources, a few seconds on a busy machine); Lance universes run one
  // at a time, in this process.
  const cells = cellsOf(scenarios, profiles);
  const spread = parseSpread(flags, backend.name === "lance" || cells.length * budget < SMALL_HUNT ? 1 : defaultJobs());
  if (backend.name === "lance" && spread.jobs > 1) throw new UsageError("--jobs runs on the virtual store only (Lance universes run one at a time, in this process)");
  if (backend.name === "lance" && faults.length > 0) throw new UsageError("--faults runs on the virtual store only");
  const crashSeeds = spread.shard && spread.shard.k !== 1 ? 0 : asked;
  const out = new Output(flags);
  const started = performance.now();
  const perCell = spread.shard ? shardSeeds(fromSeed, budget, spread.shard).universes : budget;
  const progress = new Progress("hunt", cells.length * perCell, "universes");
  const pool = poolFor(spread);
  const outcomes: CellOutcome[] = [];
  try {
    for (const [i, cell] of cells.entries()) {
      // A time budget is shared: each cell gets an equal part of what is left.
      const deadline = budgetMs === null ? null : performance.now() + (started + budgetMs - performance.now()) / (cells.length - i);
      outcomes.push(await huntCell(cell, { choice, fromSeed, budget, perCell, deadline, backend, progress, shrink: shrinkModeOf(flags), spread, pool, faults, crashSeeds }));
    }
  } finally {
    progress.stop();
    await pool?.destroy();
  }
  const rows = outcomes.map((o) => o.row);
  const coverage = mergeCoverage(outcomes.map((o) => o.coverage));
  out.lines(flags.details ? detailTable(rows) : compactTable(rows));
  out.lines(failureSection(outcomes));
  out.lines(crashSection(rows));
  out.lines(limitSection(rows));
  out.lines(coverageLines(coverage, { details: flags.details ?? false, unit: "universes" }));
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
    faults,
    crashSeeds,
    coverage: coverageReport(coverage),
    rows,
  };
  const errors = out.result(doc, () => ({ suite: "omnisim hunt", cases: rows.map(huntJunitCase) }));
  for (const o of outcomes) {
    if (!o.failure) continue;
    const saved = saveArtefacts(o.failure, o.shrunk?.tape ?? o.failure.result.tape, { save, ...(o.shrunk ? { replayed: o.shrunk.final } : {}) });
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
  /** Which cells' reported failures are shrunk (`--shrink-all`, default, `--no-shrink`). */
  readonly shrink: "all" | "unexpected" | "none";
  readonly faults: readonly StorageFaultKind[];
  readonly crashSeeds: number;
}

/** `--no-shrink`: none; `--shrink-all`, or `--save` (a ledger keeps minimal tapes): every cell's failure; else the cells not as expected. */
function shrinkModeOf(flags: HuntFlags): CellOptions["shrink"] {
  if (flags.shrink === false) return "none";
  return flags.shrinkAll || flags.save !== undefined ? "all" : "unexpected";
}

async function huntCell(cell: Cell, o: CellOptions): Promise<CellOutcome> {
  const profile = resolveProfile(cell.profile);
  const spec = withStorageFaults(formSpec(cell.scenario, "searched"), o.faults);
  const started = performance.now();
  const note = `${cell.scenario.name} on ${cell.profile}`;
  const naming = { scenario: cell.ref, form: "searched", profile: cell.profile, strategy: strategyLabel(o.choice) };
  // On worker threads (`--jobs`) a universe is only counted here (null).
  const onUniverse = (r: UniverseResult | null) => {
    o.progress.advance(1, r?.verdict === "fail" ? 1 : 0, note);
    if (r) o.backend.after(r, naming);
  };
  // Every universe is judged by the claim; a red cell stops at the first that shows its own symptom.
  const seeded = await seededStrategies(o.choice, spec, profile.fixes);
  const member = (seed: number) => (o.choice.name === "random" ? null : seeded.describe(seed));
  const summary = await spreadSearch({
    task: {
      scenario: cell.ref,
      form: "searched",
      fixes: profile.fixes,
      strategy: o.choice,
      fromSeed: o.fromSeed,
      universes: o.budget,
      keepGoing: true,
      claims: true,
      stopAtClaim: cell.expect === "red",
      backend: { name: o.backend.name },
      ...(o.faults.length ? { faults: o.faults } : {}),
    },
    spread: o.spread,
    pool: o.pool,
    spec,
    strategyFor: seeded.forSeed,
    backend: o.backend.factory,
    onUniverse,
    checkpoint: checkpoint(o.deadline),
    stop: () => o.deadline !== null && performance.now() >= o.deadline,
  });
  await o.backend.finish(spec, profile.fixes);
  o.progress.advance(o.perCell - summary.universes);
  const fc = summary.firstClaimed;
  const claimedViolation = fc?.violations.find((v) => isClaimed(cell.scenario.claim, v, fc.violations)) ?? null;
  const others = summary.others.map((f) => ({ signature: f.signature, seed: f.seed, count: f.count, known: knownOpenBug(f.violation, f.universe, profile.fixes, cell.scenario) }));
  const crashStates = o.crashSeeds > 0 && spec.crashes && o.backend.name === "virtual" ? await crashCell(cell, o, profile) : null;
  // The cell's verdict, and the universe that decides it (cli/reported-failure.ts): a failing
  // cell's first universe that fails it, which need not be the first with a violation.
  const judged = judgeCell({
    claim: cell.scenario.claim.kind,
    expected: cell.expect,
    universes: summary.universes,
    violations: summary.violations,
    claimed: summary.claimed,
    claimedSeed: fc?.seed ?? null,
    claimedViolation: claimedViolation ? signatureOf(claimedViolation) : null,
    others,
    crashStates,
  });
  const reported = judged.reported;
  const shown = reported && reported.cut === null ? await universeAt(reported, summary, { spec, profile, strategyFor: seeded.forSeed, backend: o.backend }) : null;
  const elapsedMs = Math.round(performance.now() - started);
  const rates = throughputOf({ universes: summary.universes, steps: summary.steps, operationsCompleted: summary.operationsCompleted }, elapsedMs);
  const failure: Failure | null = shown
    ? { scenario: cell.scenario, ref: cell.ref, form: "searched", spec, profile, strategy: o.choice, member: member(shown.seed), result: shown, backend: o.backend.name }
    : null;
  const tapeFile = failure ? tapeFileOf(failure) : null;
  const row: HuntRow = {
    scenario: cell.scenario.name,
    bug: bugLabel(cell.scenario.claim),
    profile: cell.profile,
    expected: cell.expect,
    claim: cell.scenario.claim.kind,
    universes: summary.universes,
    violations: summary.violations,
    distinctExecutions: summary.executionDigests.length,
    claimed: summary.claimed,
    claimedSeed: fc?.seed ?? null,
    claimedViolation: claimedViolation ? signatureOf(claimedViolation) : null,
    others,
    firstFailingSeed: reported?.seed ?? null,
    failingCut: reported?.cut ?? null,
    firstViolation: reported?.violation ?? null,
    symptom: reported?.ownSymptom ?? false,
    because: judged.because,
    why: judged.why,
    elapsedMs,
    steps: summary.steps,
    operationsAttempted: summary.operationsAttempted,
    operationsCompleted: summary.operationsCompleted,
    universesPerSecond: rates.universesPerSecond,
    stepsPerSecond: rates.stepsPerSecond,
    operationsPerSecond: rates.operationsPerSecond,
    shard: summary.shard,
    limited: summary.limited,
    firstLimited: summary.firstLimited,
    crashStates,
    asExpected: judged.asExpected,
    member: shown ? member(shown.seed) : null,
    traceHash: shown?.traceHash ?? null,
    replay: failure ? replayOf(failure) : reported?.cut != null ? crashReplay(cell, o, profile, { seed: reported.seed, cut: reported.cut }) : null,
    replayTape: failure ? replayOf(failure, tapeFile!) : null,
    tape: shown ? { before: shown.tape.length, after: shown.tape.length, shrinkMs: null, file: tapeFile! } : null,
  };
  // A cell as expected is a known bug showing, or a green cell: its minimal schedule is one
  // `omnisim shrink` away. By default only the cells a user must look at pay for shrinking.
  // The shrink keeps the violation that decided the cell, which may come after another (a known
  // bug first, then the unknown one the cell is red for): the shrunk tape must still show it.
  const wanted = o.shrink === "all" || (o.shrink === "unexpected" && !row.asExpected);
  const decider = shown?.violations.find((v) => signatureOf(v) === reported?.violation);
  const shrunk = failure && wanted ? await shrinkOrKeep(failure, decider && decider !== shown!.violations[0] ? { keep: decider } : {}) : null;
  if (shrunk && row.tape) row.tape = { ...row.tape, after: shrunk.tape.length, shrinkMs: shrunk.ms };
  return { row, failure, shrunk, coverage: summary.coverage };
}

/** The line that replays one crash state of a cell's universe. */
function crashReplay(cell: Cell, o: CellOptions, profile: ProfileChoice, f: { seed: number; cut: string }): string {
  return replayLine({ scenario: cell.ref, form: "searched", seed: f.seed, profile, strategy: o.choice, ...(o.faults.length ? { faults: o.faults } : {}), cut: f.cut });
}

/**
 * The whole result of the universe a cell reports: the search's first failure or first claimed
 * universe when it is one of them, else that seed run again on this thread (a later universe's
 * result is not kept by the search). The run again must fail with the deciding violation.
 */
async function universeAt(
  reported: Reported,
  summary: { firstFailure: UniverseResult | null; firstClaimed: UniverseResult | null },
  c: { spec: UniverseSpec; profile: ProfileChoice; strategyFor: (seed: number) => StrategyFactory; backend: RunBackend },
): Promise<UniverseResult> {
  for (const kept of [summary.firstClaimed, summary.firstFailure]) if (kept?.seed === reported.seed) return kept;
  const result = await runUniverse({ spec: c.spec, seed: reported.seed, fixes: c.profile.fixes, strategy: c.strategyFor(reported.seed), backend: c.backend.factory });
  if (!result.violations.some((v) => signatureOf(v) === reported.violation)) {
    throw new Error(`seed ${reported.seed} showed ${reported.violation} in the search but not when run again: a determinism bug`);
  }
  return result;
}

/** A cell's crash-state enumeration (`--crash-seeds` seeds from `--seed`), judged by the cell's claim. */
async function crashCell(cell: Cell, o: CellOptions, profile: ProfileChoice): Promise<CrashCell> {
  const outcomes = await runCrashTask({
    scenario: cell.ref,
    fixes: profile.fixes,
    strategy: o.choice,
    fromSeed: o.fromSeed,
    seeds: o.crashSeeds,
    depth: MAX_CUT_DEPTH,
    faults: o.faults,
    claims: true,
  });
  const summary = summarizeCrashes(outcomes, 0);
  const others = new Map<string, CrashCell["others"][number]>();
  for (const f of summary.failing) {
    for (const v of f.violations) {
      if (isClaimed(cell.scenario.claim, v, f.violations)) continue;
      const signature = signatureOf(v);
      const seen = others.get(signature);
      if (seen) seen.count++;
      else others.set(signature, { signature, seed: f.seed, cut: f.cut, count: 1, known: knownOpenBug(v, f.violations, profile.fixes, cell.scenario) });
    }
  }
  const first = summary.failing.find((f) => f.claimed) ?? summary.failing[0] ?? null;
  const replay = (f: { seed: number; cut: string }) => crashReplay(cell, o, profile, f);
  o.progress.advance(0, 0, `${cell.scenario.name} on ${cell.profile}: ${summary.states} crash states`);
  return {
    seeds: summary.seeds,
    states: summary.states,
    distinctStates: summary.distinctStates,
    violations: summary.violations,
    claimed: summary.failing.filter((f) => f.claimed).length,
    first: first ? { seed: first.seed, cut: first.cut, signature: first.signature, claimed: first.claimed, replay: replay(first) } : null,
    others: [...others.values()],
  };
}

const verdictOf = (r: HuntRow) => (r.asExpected ? "ok" : "FAIL");

function found(r: HuntRow): string {
  const unknown = r.others.filter((o) => !o.known).length;
  const tail = unknown ? ` (+${unknown} unknown)` : "";
  if (r.firstViolation === null) return r.expected === "red" ? `none in ${r.universes}` : "-";
  return `${r.firstViolation}${r.symptom ? "" : "*"}${tail} @${r.firstFailingSeed}${r.failingCut === null ? "" : ` cut ${r.failingCut}`}`;
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
  if (rows.some((r) => r.others.some((o) => !o.known))) lines.push("(+n unknown): violations no scenario claims as open bugs there");
  lines.push("(--details for universes, violations, strategy members, tapes and times)");
  return lines;
}

function detailTable(rows: readonly HuntRow[]): string[] {
  return table(
    ["scenario", "bug", "profile", "want", "ok?", "universes", "violations", "first failure", "other bugs", "member", "tape", "ms"],
    rows.map((r) => [
      r.scenario,
      r.bug,
      r.profile,
      r.expected,
      verdictOf(r),
      String(r.universes),
      String(r.violations),
      found(r),
      r.others.length === 0 ? "-" : r.others.map((o) => `${o.signature} @${o.seed}${o.known ? "" : " UNKNOWN"}`).join("; "),
      r.member ?? "-",
      r.tape === null ? "-" : r.tape.shrinkMs === null ? String(r.tape.after) : `${r.tape.before}->${r.tape.after}`,
      String(r.elapsedMs),
    ]),
  );
}

/**
 * Every reported failure, with its trace hash and the line that replays it; and every cell not as
 * expected, with why (a red cell whose own symptom never showed has no line to replay).
 */
function failureSection(outcomes: readonly CellOutcome[]): string[] {
  const shown = outcomes.filter((o) => o.failure || !o.row.asExpected);
  if (shown.length === 0) return [];
  const lines = ["", "failures (each line replays its failure exactly; the trace hash must match):"];
  for (const o of shown) {
    const r = o.row;
    const where = r.asExpected ? "" : "  UNEXPECTED";
    if (o.failure) {
      // The violation that decided the cell, which need not be the universe's first.
      const decider = o.failure.result.violations.find((v) => signatureOf(v) === r.firstViolation);
      const [head, violation, trace] = foundLines(o.failure, where, decider);
      lines.push(head!, violation!, trace!);
    } else lines.push(`FAIL ${r.scenario} on ${r.profile}${where}`);
    if (r.why) lines.push(`  why: ${r.why}`);
    if (r.replay) lines.push(`  replay: ${r.replay}`);
  }
  return lines;
}

/** Each cell's crash states: how many, and the first failing one with the line that replays its cut. */
function crashSection(rows: readonly HuntRow[]): string[] {
  const cells = rows.filter((r) => r.crashStates);
  if (cells.length === 0) return [];
  const states = cells.reduce((n, r) => n + r.crashStates!.states, 0);
  const lines = ["", `crash states (${states.toLocaleString("en-US")} over ${cells.length} cells; every cut of ${cells[0]!.crashStates!.seeds} seed(s) per cell, with double faults):`];
  for (const r of cells) {
    const c = r.crashStates!;
    if (!c.first) continue;
    const unknown = c.others.filter((x) => !x.known).length;
    lines.push(`  ${r.scenario} on ${r.profile}: ${c.violations} of ${c.states} states fail${c.claimed ? ` (${c.claimed} with its own symptom)` : ""}${unknown ? `, ${unknown} unknown bug(s)` : ""}; first ${c.first.signature}${c.first.claimed ? "" : "*"} at cut ${c.first.cut} of seed ${c.first.seed}`);
    lines.push(`    replay: ${c.first.replay}`);
  }
  if (lines.length === 2) lines.push("  no state failed");
  return lines;
}

/** Universes whose violations followed a fault no engine survives by design: counted, never hidden. */
function limitSection(rows: readonly HuntRow[]): string[] {
  const limited = rows.filter((r) => r.limited > 0);
  if (limited.length === 0) return [];
  return [
    "",
    "documented limits (README, \"Storage fault plans\"): universes whose violations all follow a fault no engine survives by design (a lost or hidden Lance commit, a pause past the lease, an indeterminate init)",
    ...limited.map((r) => `  ${r.scenario} on ${r.profile}: ${r.limited} universe(s), first seed ${r.firstLimited!.seed}: ${r.firstLimited!.why}`),
  ];
}

function parseCrashSeeds(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`bad --crash-seeds "${text}": a number of seeds (0: no crash states)`);
  return Number(text);
}

/** A hunt cell as a JUnit test case (merge-reports makes them from merged rows too). */
export function huntJunitCase(r: HuntRow) {
  const name = `${r.scenario} on ${r.profile}`;
  const seconds = r.elapsedMs / 1000;
  if (r.asExpected) return { name, className: r.scenario, seconds, failure: null, ...(r.replay ? { output: `found ${r.firstViolation} at seed ${r.firstFailingSeed}: ${r.replay}` } : {}) };
  const message = `${r.why ?? "not as expected"} (expected ${r.expected} on ${r.profile})${r.replay ? `: ${r.replay}` : ""}`;
  return {
    name,
    className: r.scenario,
    seconds,
    failure: { message, type: r.firstViolation ?? "not-found", details: [message, ...(r.traceHash ? [`trace ${r.traceHash}`] : []), ...(r.replayTape ? [`tape: ${r.replayTape}`] : [])].join("\n") },
  };
}
