// `omnisim run <scenario>`: universes from seed S upward (or, with `--strategy dfs`, every
// schedule within the preemption bound); exit 0 when no oracle fired, 1 when one did. A failure
// is shrunk and its tape written; with `--save` it joins the seed ledger.
import { performance } from "node:perf_hooks";
import { formSpec } from "../../scenarios/types.ts";
import { REDUCTION_CAVEAT } from "../../sim/step.ts";
import { exploreSchedules, type ExhaustiveSummary } from "../../sim/strategies/dfs-search.ts";
import type { UniverseResult } from "../../sim/universe.ts";
import { throughputLine, throughputOf } from "../../sim/throughput.ts";
import { parseSpread, poolFor, type SpreadFlags, spreadSearch, type SpreadSummary } from "../parallel/spread.ts";
import { parseCount, parseSeed, resolveProfile, resolveScenario, UsageError, type BackendFlags, resolveBackend } from "../args.ts";
import { saveTarget } from "../ledger.ts";
import { afterFailure, type FailureReport, failureLines } from "../failure.ts";
import { replayCommand } from "../replay-command.ts";
import {
  type Guarantee,
  guaranteeLines,
  guaranteeOf,
  seededStrategies,
  type StrategyFlags,
  parseStrategyChoice,
  strategyArgv,
  strategyLabel,
} from "../strategies.ts";

/** Schedules `run --strategy dfs` explores at most, unless `--seeds` says otherwise. */
export const DEFAULT_DFS_BUDGET = 20_000;

export interface RunFlags extends StrategyFlags, BackendFlags, SpreadFlags {
  profile?: string;
  fix?: string[];
  seeds?: string;
  seed?: string;
  json?: boolean;
  keepGoing?: boolean;
  scripted?: boolean;
  shrink?: boolean;
  save?: boolean | string;
}

export async function runCommand(name: string, flags: RunFlags): Promise<number> {
  const scenario = resolveScenario(name);
  const profile = resolveProfile(flags.profile ?? scenario.redProfile ?? "seed", flags.fix);
  if (flags.scripted && !scenario.scripted) throw new UsageError(`scenario ${scenario.name} has no scripted form`);
  const choice = parseStrategyChoice(flags, "random");
  saveTarget(flags.save);
  const backend = resolveBackend(flags);
  if (backend.name === "lance" && choice.name === "dfs") throw new UsageError("exhaustive search runs on the virtual store only");
  const spread = parseSpread(flags, 1);
  if (choice.name === "dfs" && (spread.jobs > 1 || spread.shard)) throw new UsageError("--jobs and --shard split seeds; exhaustive search explores one seed's schedules");
  const fromSeed = flags.seed !== undefined ? parseSeed(flags.seed) : 1;
  const form = flags.scripted ? "scripted" : "searched";
  const spec = formSpec(scenario, form);
  const label = strategyLabel(choice);
  const started = performance.now();
  let universes: number;
  let violations: number;
  let first: UniverseResult | null;
  let guarantee: Guarantee | null = null;
  let exhaustive: ExhaustiveSummary | null = null;
  let work: { steps: number; operationsAttempted: number; operationsCompleted: number } = { steps: 0, operationsAttempted: 0, operationsCompleted: 0 };
  let spreadSummary: SpreadSummary | null = null;
  let describe = (_seed: number) => label;
  if (choice.name === "dfs") {
    const max = flags.seeds !== undefined ? parseCount(flags.seeds, "--seeds") : DEFAULT_DFS_BUDGET;
    exhaustive = await exploreSchedules({
      spec,
      fixes: profile.fixes,
      seed: fromSeed,
      preemptions: choice.preemptions!,
      reduction: choice.reduction ?? true,
      maxUniverses: max,
      keepGoing: flags.keepGoing ?? false,
    });
    ({ universes, violations, firstFailure: first } = exhaustive);
    work = exhaustive;
  } else {
    const count = flags.seeds !== undefined ? parseCount(flags.seeds, "--seeds") : 1;
    const seeded = await seededStrategies(choice, spec, profile.fixes);
    describe = seeded.describe;
    const pool = poolFor(spread);
    let summary: SpreadSummary;
    try {
      summary = await spreadSearch({
        task: {
          scenario: scenario.name,
          form,
          fixes: profile.fixes,
          strategy: choice,
          fromSeed,
          universes: count,
          keepGoing: flags.keepGoing ?? false,
          backend: { name: backend.name, ...(flags.keep ? { keep: true } : {}), ...(flags.dir !== undefined ? { dir: flags.dir } : {}) },
        },
        spread,
        pool,
        spec,
        strategyFor: seeded.forSeed,
        backend: backend.factory,
      });
    } finally {
      await pool?.destroy();
    }
    spreadSummary = summary;
    work = summary;
    ({ universes, violations, firstFailure: first } = summary);
    guarantee = guaranteeOf(seeded, summary.fromSeed, summary.universes, summary);
  }
  const elapsedMs = Math.round(performance.now() - started);
  const rates = throughputOf({ universes, steps: work.steps, operationsCompleted: work.operationsCompleted }, elapsedMs);
  const shardNote = spreadSummary?.shard ? ` [shard ${spreadSummary.shard.k}/${spreadSummary.shard.n}: seeds ${spreadSummary.fromSeed}..${spreadSummary.fromSeed + spreadSummary.seeds - 1}]` : "";
  const formNote = form === "scripted" ? " (scripted)" : "";
  let report: FailureReport | null = null;
  if (first) {
    const v = first.violations[0]!;
    const via = choice.name === "portfolio" ? ` [${describe(first.seed)}]` : "";
    console.log(`FAIL ${scenario.name}${formNote} on ${profile.label}: seed ${first.seed} after ${universes} universe(s)${via}${shardNote}`);
    console.log(`  ${v.kind}: ${v.message}`);
    console.log(`  trace ${first.traceHash}`);
    if (choice.name !== "dfs") {
      console.log(`  replay: ${replayCommand(scenario.name, first.seed, profile, "random", [...strategyArgv(choice), ...(form === "scripted" ? ["--scripted"] : [])])}`);
    }
    report = await afterFailure({
      scenario,
      form,
      spec,
      profile,
      strategy: label,
      result: first,
      shrink: flags.shrink ?? true,
      ...(flags.save !== undefined ? { save: flags.save } : {}),
    });
    for (const line of failureLines(report, { schedule: true })) console.log(line);
  } else if (exhaustive) {
    const space = `${exhaustive.schedules} schedule(s)${exhaustive.redundant ? ` and ${exhaustive.redundant} redundant universe(s) cut by the reduction` : ""}`;
    const bound = `${exhaustive.preemptions} preemption(s)${exhaustive.reduction ? "" : ", no reduction"}`;
    console.log(
      exhaustive.complete
        ? `pass ${scenario.name}${formNote} on ${profile.label}: clean within ${bound}: ${space} explored, seed ${fromSeed} (${elapsedMs} ms)`
        : `pass ${scenario.name}${formNote} on ${profile.label}: no violation in ${space}, but the space within ${bound} is not exhausted (raise --seeds) (${elapsedMs} ms)`,
    );
    if (exhaustive.reduction) console.log(`  (${REDUCTION_CAVEAT})`);
  } else {
    console.log(`pass ${scenario.name}${formNote} on ${profile.label}: ${universes} universe(s), no violation (${elapsedMs} ms)${shardNote}`);
    if (guarantee) for (const line of guaranteeLines(guarantee)) console.log(line);
  }
  if (!flags.json) console.log(`  ${throughputLine(rates)}${spread.jobs > 1 ? ` on ${spread.jobs} threads` : ""}`);
  if (flags.json) {
    console.log(
      JSON.stringify({
        scenario: scenario.name,
        profile: profile.label,
        strategy: choice.name,
        universes,
        violations,
        elapsedMs,
        steps: work.steps,
        operationsAttempted: work.operationsAttempted,
        operationsCompleted: work.operationsCompleted,
        stepsPerSecond: rates.stepsPerSecond,
        operationsPerSecond: rates.operationsPerSecond,
        universesPerSecond: rates.universesPerSecond,
        jobs: spread.jobs,
        shard: spreadSummary?.shard ?? null,
        firstFailure: first
          ? {
              seed: first.seed,
              traceHash: first.traceHash,
              violation: { kind: first.violations[0]!.kind, message: first.violations[0]!.message },
              tape: first.tape,
              ...(choice.name === "portfolio" ? { member: describe(first.seed) } : {}),
            }
          : null,
        form,
        strategyLabel: label,
        guarantee,
        exhaustive: exhaustive
          ? {
              schedules: exhaustive.schedules,
              redundant: exhaustive.redundant,
              complete: exhaustive.complete,
              preemptions: exhaustive.preemptions,
              reduction: exhaustive.reduction,
              // Without the reduction the search is exact; with it, equal only up to timestamps and ids.
              exact: !exhaustive.reduction,
              maxDepth: exhaustive.maxDepth,
            }
          : null,
        shrunk: report?.shrunk ? { ...report.shrunk, tape: report.tape } : null,
        tapeFile: report?.tapeFile ?? null,
        savedTo: report?.savedTo ?? null,
      }),
    );
  }
  return first ? 1 : 0;
}
