// `omnisim crashes <scenario>`: crash-state enumeration. For each seed, the universe runs once
// (its body alone, recording its durable writes); then every state in which the writing process
// died just before or just after one of those writes, and the state at the end of the run, is
// forked from an O(1) snapshot of the store, recovered (a recovering process opens the graph,
// then a fresh process opens it and the liveness probe writes) and judged by every oracle; with
// double faults (the default, `--depth 2`) the recovering process is also cut at each of its own
// durable writes and recovered from again. Exit 0: no state had a violation; 1: some did (each
// printed with the command that replays its cut); 2: bad input.
import { performance } from "node:perf_hooks";
import { redProfileOf } from "../../scenarios/claims.ts";
import { formSpec } from "../../scenarios/types.ts";
import { MAX_CUT_DEPTH } from "../../sim/cuts/crash-state.ts";
import { parseFaultKinds, type StorageFaultKind } from "../../sim/faults/kinds.ts";
import { checkSeedRange, parseCount, parseSeed, parseTime, resolveProfile, UsageError } from "../args.ts";
import { checkpoint } from "../interrupt.ts";
import { checkWritable, Output, type OutputFlags, reportErrors } from "../output.ts";
import { type CrashSeedOutcome, type CrashTask, runCrashTask } from "../parallel/crash-task.ts";
import { type ShardInfo } from "../parallel/merge.ts";
import { SearchPool } from "../parallel/parallel-search.ts";
import { shardSeeds } from "../parallel/shard.ts";
import { parseSpread, type SpreadFlags } from "../parallel/spread.ts";
import { Progress } from "../progress.ts";
import { replayLine } from "../replay-command.ts";
import { loadScenario } from "../scenario-ref.ts";
import { parseStrategyChoice, type StrategyFlags, strategyLabel } from "../strategies.ts";
import { type CrashSummary, summarizeCrashes } from "../crash-summary.ts";
import { CoverageLedger } from "../../sim/coverage.ts";
import { coverageLines, coverageReport } from "../coverage-lines.ts";

export const DEFAULT_CRASH_SEEDS = 1;

export interface CrashesFlags extends StrategyFlags, OutputFlags, SpreadFlags {
  profile?: string;
  fix?: string[];
  seed?: string;
  seeds?: string;
  /** `--no-double-faults` sets it false. */
  doubleFaults?: boolean;
  /** `--no-reduction` sets it false. */
  reduction?: boolean;
  faults?: string;
  time?: string;
  details?: boolean;
}

/** How many failing states are printed without `--details` (JSON lists them all). */
const PRINTED = 10;

export function parseFaultsFlag(text: string | undefined): StorageFaultKind[] {
  if (text === undefined) return [];
  const kinds = parseFaultKinds(text);
  if (typeof kinds === "string") throw new UsageError(`bad --faults "${text}": ${kinds}`);
  return kinds;
}

export async function crashesCommand(ref: string, flags: CrashesFlags): Promise<number> {
  const { scenario } = await loadScenario(ref);
  if (!formSpec(scenario, "searched").crashes) {
    throw new UsageError(`scenario ${scenario.name} has no crash states to enumerate: it declares no liveness probe, so there is no recovery to judge`);
  }
  const profile = resolveProfile(flags.profile ?? redProfileOf(scenario.claim) ?? "seed", flags.fix);
  const choice = parseStrategyChoice(flags, "random");
  if (choice.name === "dfs") throw new UsageError("crashes enumerates the crash states of seeded universes: use --strategy random, pct or portfolio");
  const fromSeed = flags.seed !== undefined ? parseSeed(flags.seed) : 1;
  const seeds = flags.seeds !== undefined ? parseCount(flags.seeds, "--seeds") : DEFAULT_CRASH_SEEDS;
  checkSeedRange(fromSeed, seeds);
  const depth = flags.doubleFaults === false ? 1 : MAX_CUT_DEPTH;
  const faults = parseFaultsFlag(flags.faults);
  const budgetMs = flags.time !== undefined ? parseTime(flags.time) : null;
  checkWritable(flags.report, "report");
  checkWritable(flags.junit, "JUnit report");
  const spread = parseSpread(flags, 1);
  const slice = spread.shard ? shardSeeds(fromSeed, seeds, spread.shard) : { fromSeed, universes: seeds };
  const shard: ShardInfo | null = spread.shard ? { k: spread.shard.k, n: spread.shard.n, fromSeed, universes: seeds, keepGoing: true } : null;
  const out = new Output(flags);
  const task: CrashTask = { scenario: ref, fixes: profile.fixes, strategy: choice, fromSeed: slice.fromSeed, seeds: slice.universes, depth, faults, ...(flags.reduction === false ? { noReduction: true } : {}) };
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const deadline = budgetMs === null ? null : started + budgetMs;
  const progress = new Progress(`crashes ${scenario.name}`, slice.universes, "seeds");
  let outcomes: CrashSeedOutcome[];
  try {
    outcomes = spread.jobs > 1 && slice.universes > 1 ? await onThreads(task, spread.jobs, progress, deadline) : await onThisThread(task, progress, deadline);
  } finally {
    progress.stop();
  }
  const elapsedMs = Math.round(performance.now() - started);
  const cpu = process.cpuUsage(cpuStarted);
  const summary = summarizeCrashes(outcomes, elapsedMs);
  const ledger = new CoverageLedger();
  for (const o of outcomes) ledger.add({ reached: new Set(o.windows.reached), armed: new Set(o.windows.armed), crashed: new Set(o.windows.crashed) });
  const coverage = ledger.data();
  const replayOf = (seed: number, cut?: string) =>
    replayLine({ scenario: ref, form: "searched", seed, profile, strategy: choice, ...(faults.length ? { faults } : {}), ...(cut !== undefined ? { cut } : {}) });
  const timedOut = summary.stopped || (deadline !== null && outcomes.length < slice.universes);
  const failed = summary.violations > 0 || summary.baseFailures.length > 0;
  out.lines(humanLines(summary));
  out.lines(coverageLines(coverage, { details: flags.details ?? false, unit: "seed(s)" }));
  const doc = {
    scenario: scenario.name,
    profile: profile.label,
    strategy: choice.name,
    strategyLabel: strategyLabel(choice),
    fromSeed,
    seeds: summary.seeds,
    withDoubleFaults: depth >= 2,
    faults,
    writes: summary.writes,
    recoveryWrites: summary.recoveryWrites,
    states: summary.states,
    singleCrashes: summary.statesByDepth[0] ?? 0,
    doubleFaults: summary.statesByDepth[1] ?? 0,
    distinctStates: summary.distinctStates,
    statesPerSecond: summary.statesPerSecond,
    statesPerCpuSecond: cpuSeconds(cpu) > 0 ? Math.round(summary.states / cpuSeconds(cpu)) : 0,
    statesPerUniverse: summary.statesPerUniverse,
    futures: summary.futures,
    sharedFutures: summary.shared,
    reduction: flags.reduction !== false,
    reductionMismatches: summary.mismatches,
    steps: summary.steps,
    elapsedMs,
    jobs: spread.jobs,
    shard,
    stopped: timedOut ? "time" : "budget",
    violations: summary.violations,
    baseFailures: summary.baseFailures.map((b) => ({ ...b, replay: replayOf(b.seed) })),
    failing: summary.failing.map((f) => ({ ...f, replay: replayOf(f.seed, f.cut) })),
    firstViolation: summary.firstViolation ? { ...summary.firstViolation, replay: replayOf(summary.firstViolation.seed, summary.firstViolation.cut) } : null,
    coverage: coverageReport(coverage),
    // Distinct durable states across shards (merge-reports unions these): 64-bit digest prefixes.
    ...(shard ? { digests: summary.digests } : {}),
  };
  const errors = out.result(doc, () => ({
    suite: `omnisim crashes ${scenario.name}`,
    cases: [
      {
        name: `${scenario.name} crash states on ${profile.label}`,
        className: scenario.name,
        seconds: elapsedMs / 1000,
        failure: failed
          ? {
              message: doc.firstViolation ? `${doc.firstViolation.kind} at cut ${doc.firstViolation.cut} of seed ${doc.firstViolation.seed}: ${doc.firstViolation.replay}` : `the uncut universe failed: ${doc.baseFailures[0]!.replay}`,
              type: doc.firstViolation?.kind ?? doc.baseFailures[0]!.kind,
              details: [...doc.baseFailures.map((b) => `uncut seed ${b.seed}: ${b.kind}: ${b.message}\n  replay: ${b.replay}`), ...doc.failing.slice(0, 50).map((f) => `${f.cut} of seed ${f.seed}: ${f.kind}: ${f.message}\n  replay: ${f.replay}`)].join("\n"),
            }
          : null,
      },
    ],
  }));
  reportErrors(errors);
  return failed ? 1 : errors.length ? 2 : 0;

  function humanLines(s: CrashSummary): string[] {
    const shardNote = shard ? ` [shard ${shard.k}/${shard.n}: seeds ${slice.fromSeed}..${slice.fromSeed + slice.universes - 1}]` : "";
    const double = depth >= 2 ? `, ${fmt(s.statesByDepth[1] ?? 0)} double faults in recovery` : "";
    const lines = [
      `${failed ? "FAIL" : "pass"} crashes ${scenario.name} on ${profile.label}: ${s.seeds} seed(s) from ${slice.fromSeed}${faults.length ? ` with storage faults ${faults.join(",")}` : ""}${shardNote}`,
      `  states: ${fmt(s.states)} (${fmt(s.statesByDepth[0] ?? 0)} single crashes${double}) at ${fmt(s.writes)} durable writes and ${fmt(s.recoveryWrites)} recovery writes; ${fmt(s.distinctStates)} distinct durable states`,
      `  ${fmt(s.statesPerSecond)} states/s (${fmt(Math.round(s.states / Math.max(cpuSeconds(cpu), 0.001)))} per CPU second), ${fmt(s.statesPerUniverse)} states per universe, ${(elapsedMs / 1000).toFixed(1)} s on ${spread.jobs} thread(s)${timedOut ? "; the --time budget ran out" : ""}`,
      flags.reduction === false
        ? `  ${fmt(s.futures)} futures run, one per state (--no-reduction)`
        : `  ${fmt(s.futures)} futures run; ${fmt(s.shared)} states shared the future of an equal neighbour (same durable state, the same processes dying, no operation begun or ended between them: equal up to timestamps and ids; --no-reduction runs each)${s.mismatches ? `; ${s.mismatches} failing shared state(s) passed on their own: the equivalence did not hold there` : ""}`,
      `  violations: ${s.violations} state(s)${s.violations ? ` of ${s.signatures.length} kind(s)` : ""}`,
    ];
    for (const b of s.baseFailures) lines.push(`  the uncut universe of seed ${b.seed} failed by itself: ${b.kind}: ${b.message}`, `    replay: ${replayOf(b.seed)}`);
    for (const sig of s.signatures) lines.push(`    ${sig.count} x ${sig.signature}`);
    const shown = flags.details ? s.failing : s.failing.slice(0, PRINTED);
    for (const f of shown) {
      lines.push(`  ${f.cut} of seed ${f.seed}${f.write ? ` (${f.write})` : " (the end of the run)"}: ${f.kind}: ${f.message}`);
      if (f.traceHash) lines.push(`    trace ${f.traceHash}`);
      lines.push(`    replay: ${replayOf(f.seed, f.cut)}`);
    }
    if (shown.length < s.failing.length) lines.push(`  ... and ${s.failing.length - shown.length} more (--details prints them all; --json lists them)`);
    return lines;
  }
}

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

const fmt = (n: number) => n.toLocaleString("en-US");

async function onThisThread(task: CrashTask, progress: Progress, deadline: number | null): Promise<CrashSeedOutcome[]> {
  const check = checkpoint(deadline);
  const out: CrashSeedOutcome[] = [];
  let states = 0;
  for (let seed = task.fromSeed; seed < task.fromSeed + task.seeds; seed++) {
    const [o] = await runCrashTask(
      { ...task, fromSeed: seed, seeds: 1 },
      {
        onState: () => {
          states++;
          if (states % 200 === 0) progress.advance(0, 0, `${states.toLocaleString("en-US")} states`);
        },
        checkpoint: check,
      },
    );
    out.push(o!);
    progress.advance(1, o!.violations > 0 || o!.baseFailure ? 1 : 0, `${states.toLocaleString("en-US")} states`);
    if (o!.stopped || (deadline !== null && performance.now() >= deadline)) break;
  }
  return out;
}

/** One seed per task, handed out in order; the answer is put together in seed order. */
async function onThreads(task: CrashTask, jobs: number, progress: Progress, deadline: number | null): Promise<CrashSeedOutcome[]> {
  const pool = new SearchPool(jobs);
  try {
    const results: (CrashSeedOutcome[] | null)[] = Array.from({ length: task.seeds }, () => null);
    let next = 0;
    let limit = task.seeds;
    const inFlight = new Set<Promise<void>>();
    while (next < limit || inFlight.size > 0) {
      if (deadline !== null && performance.now() >= deadline) limit = Math.min(limit, next);
      while (next < limit && inFlight.size < jobs * 2) {
        const i = next++;
        const p = pool.runCrashes({ ...task, fromSeed: task.fromSeed + i, seeds: 1 }).then((o) => {
          results[i] = o;
          progress.advance(1, o.some((x) => x.violations > 0 || x.baseFailure) ? 1 : 0);
        });
        const tracked = p.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight);
    }
    return results.slice(0, limit).flatMap((r) => r ?? []);
  } finally {
    await pool.destroy();
  }
}
