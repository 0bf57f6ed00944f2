// `omnisim run <scenario>`: universes from seed S upward (or, with `--strategy dfs`, every
// schedule within the preemption bound); exit 0 when no oracle fired, 1 when one did, 2 on bad
// input. A failure is printed with the line that replays it, shrunk, reported (`--json`,
// `--report`, `--junit`), and only then are its tape and ledger entry saved.
import { redProfileOf } from "../../scenarios/claims.ts";
import { performance } from "node:perf_hooks";
import { formSpec } from "../../scenarios/types.ts";
import { withStorageFaults } from "../../sim/faults/spec.ts";
import { parseFaultsFlag } from "./crashes.ts";
import { REDUCTION_CAVEAT } from "../../sim/step.ts";
import { exploreSchedules, type ExhaustiveSummary } from "../../sim/strategies/dfs-search.ts";
import { signatureOf } from "../../sim/shrink/signature.ts";
import { throughputLine, throughputOf } from "../../sim/throughput.ts";
import { shardSeeds } from "../parallel/shard.ts";
import { parseSpread, poolFor, type SpreadFlags, spreadSearch, type SpreadSummary } from "../parallel/spread.ts";
import type { UniverseResult } from "../../sim/universe.ts";
import { checkSeedRange, parseCount, parseSeed, parseTime, resolveProfile, UsageError } from "../args.ts";
import { type Failure, fixedNote, foundLines, replayOf, saveArtefacts, type Shrunk, shrinkOrKeep, shrunkLines, tapeFileOf } from "../failure.ts";
import { checkpoint } from "../interrupt.ts";
import { type LanceFlags, resolveRunBackend } from "../lance-runs.ts";
import { saveTarget } from "../ledger.ts";
import { checkWritable, Output, type OutputFlags, reportErrors } from "../output.ts";
import { Progress } from "../progress.ts";
import { loadScenario } from "../scenario-ref.ts";
import { type Guarantee, guaranteeLines, guaranteeOf, parseStrategyChoice, seededStrategies, type StrategyFlags, strategyLabel } from "../strategies.ts";

/** Universes `run` tries when `--seeds` is not given (schedules, with `--strategy dfs`). */
export const DEFAULT_RUN_SEEDS = 2_000;
export const DEFAULT_DFS_BUDGET = 20_000;

export interface RunFlags extends StrategyFlags, LanceFlags, OutputFlags, SpreadFlags {
  profile?: string;
  faults?: string;
  fix?: string[];
  seeds?: string;
  seed?: string;
  time?: string;
  keepGoing?: boolean;
  scripted?: boolean;
  shrink?: boolean;
  save?: boolean | string;
}

export async function runCommand(ref: string, flags: RunFlags): Promise<number> {
  const { scenario } = await loadScenario(ref);
  const profile = resolveProfile(flags.profile ?? redProfileOf(scenario.claim) ?? "seed", flags.fix);
  if (flags.scripted && !scenario.scripted) throw new UsageError(`scenario ${scenario.name} has no scripted form`);
  const choice = parseStrategyChoice(flags, "random");
  const save = saveTarget(flags.save);
  const fromSeed = flags.seed !== undefined ? parseSeed(flags.seed) : 1;
  const count = flags.seeds !== undefined ? parseCount(flags.seeds, "--seeds") : choice.name === "dfs" ? DEFAULT_DFS_BUDGET : DEFAULT_RUN_SEEDS;
  if (choice.name !== "dfs") checkSeedRange(fromSeed, count);
  const budgetMs = flags.time !== undefined ? parseTime(flags.time) : null;
  checkWritable(flags.report, "report");
  checkWritable(flags.junit, "JUnit report");
  const form = flags.scripted ? "scripted" : "searched";
  const backend = resolveRunBackend(flags, { scenario: ref, form, profile: profile.label, strategy: strategyLabel(choice) });
  if (backend.name === "lance" && choice.name === "dfs") throw new UsageError("exhaustive search runs on the virtual store only");
  const spread = parseSpread(flags, 1);
  if (choice.name === "dfs" && (spread.jobs > 1 || spread.shard)) throw new UsageError("--jobs and --shard split seeds; exhaustive search explores one seed's schedules");
  if (backend.name === "lance" && spread.jobs > 1) throw new UsageError("--jobs runs on the virtual store only (Lance universes run one at a time, in this process)");
  const out = new Output(flags);
  const faults = parseFaultsFlag(flags.faults);
  if (faults.length > 0 && backend.name === "lance") throw new UsageError("--faults runs on the virtual store only (README: what the Lance backend can and cannot fault)");
  if (faults.length > 0 && save) throw new UsageError("--save records no storage faults in the seed ledger yet: save a failure found without --faults, or keep its tape file");
  const spec = withStorageFaults(formSpec(scenario, form), faults);
  const label = strategyLabel(choice);
  const started = performance.now();
  const deadline = budgetMs === null ? null : started + budgetMs;
  // This command's seeds: the whole search, or its shard's slice of it.
  const planned = spread.shard ? shardSeeds(fromSeed, count, spread.shard).universes : count;
  const progress = new Progress(`run ${scenario.name}`, planned, choice.name === "dfs" ? "schedules" : "universes");
  // On worker threads (`--jobs`) a universe is only counted here (null).
  const onUniverse = (r: UniverseResult | null) => {
    progress.advance(1, r?.verdict === "fail" ? 1 : 0);
    if (r) backend.after(r);
  };
  let universes: number;
  let violations: number;
  let first: UniverseResult | null;
  let guarantee: Guarantee | null = null;
  let exhaustive: ExhaustiveSummary | null = null;
  let describe: (seed: number) => string | null = () => null;
  let work: { steps: number; operationsAttempted: number; operationsCompleted: number } = { steps: 0, operationsAttempted: 0, operationsCompleted: 0 };
  let spreadSummary: SpreadSummary | null = null;
  try {
    if (choice.name === "dfs") {
      exhaustive = await exploreSchedules({
        spec,
        fixes: profile.fixes,
        seed: fromSeed,
        preemptions: choice.preemptions!,
        reduction: choice.reduction ?? true,
        maxUniverses: count,
        keepGoing: flags.keepGoing ?? false,
        onUniverse,
        checkpoint: checkpoint(deadline),
      });
      ({ universes, violations, firstFailure: first } = exhaustive);
      work = exhaustive;
    } else {
      const seeded = await seededStrategies(choice, spec, profile.fixes);
      if (choice.name === "portfolio") describe = seeded.describe;
      const pool = poolFor(spread);
      let summary: SpreadSummary;
      try {
        summary = await spreadSearch({
          task: {
            scenario: ref,
            form,
            fixes: profile.fixes,
            strategy: choice,
            fromSeed,
            universes: count,
            keepGoing: flags.keepGoing ?? false,
            backend: { name: backend.name },
            ...(faults.length ? { faults } : {}),
          },
          spread,
          pool,
          spec,
          strategyFor: seeded.forSeed,
          backend: backend.factory,
          onUniverse,
          checkpoint: checkpoint(deadline),
          stop: () => deadline !== null && performance.now() >= deadline,
        });
      } finally {
        await pool?.destroy();
      }
      spreadSummary = summary;
      work = summary;
      ({ universes, violations, firstFailure: first } = summary);
      guarantee = guaranteeOf(seeded, summary.fromSeed, summary.universes, summary);
    }
  } finally {
    progress.stop();
  }
  await backend.finish(spec, profile.fixes);
  const elapsedMs = Math.round(performance.now() - started);
  const rates = throughputOf({ universes, steps: work.steps, operationsCompleted: work.operationsCompleted }, elapsedMs);
  const shardNote = spreadSummary?.shard
    ? ` [shard ${spreadSummary.shard.k}/${spreadSummary.shard.n}: seeds ${spreadSummary.fromSeed}..${spreadSummary.fromSeed + spreadSummary.seeds - 1}]`
    : "";
  const timedOut = deadline !== null && !first && universes < planned && !exhaustive?.complete;
  const formNote = form === "scripted" ? " (scripted)" : "";
  let failure: Failure | null = null;
  let shrunk: Shrunk | null = null;
  let replay: string | null = null;
  if (first) {
    failure = { scenario, ref, form, spec, profile, strategy: choice, member: describe(first.seed), result: first, backend: backend.name };
    const where = `${flags.keepGoing ? ` (${violations} of ${universes} universes failed)` : ` after ${universes} universe(s)`}${shardNote}`;
    const lines = foundLines(failure, where);
    // Exhaustive search replays from the schedule's tape, not from a seed.
    replay = choice.name === "dfs" ? replayOf(failure, tapeFileOf(failure)) : replayOf(failure);
    if (choice.name === "dfs") lines[lines.length - 1] = `  replay: ${replay}`;
    out.lines(lines);
    for (const line of backend.keptLines(first)) out.line(line);
    if (flags.shrink !== false) {
      shrunk = await shrinkOrKeep(failure);
      if (shrunk) out.lines(shrunkLines(shrunk, { schedule: true }));
    }
  } else {
    out.lines(passLines());
  }
  out.line(`  ${throughputLine(rates)}${spread.jobs > 1 ? ` on ${spread.jobs} threads` : ""}`);
  // Universes that passed only because a storage fault beyond what any engine survives struck (`--faults`): never silent.
  const limited = spreadSummary?.limited ?? 0;
  const firstLimited = spreadSummary?.firstLimited ?? null;
  if (firstLimited) out.line(`  documented limits: ${limited} universe(s) had violations after a fault no engine survives by design (first seed ${firstLimited.seed}: ${firstLimited.why})`);
  const tape = shrunk?.tape ?? first?.tape ?? null;
  const tapeFile = failure ? tapeFileOf(failure) : null;
  if (failure) out.line(`  replay the ${shrunk ? "shrunk " : ""}tape: ${replayOf(failure, tapeFile!)}`);
  const doc = {
    scenario: scenario.name,
    profile: profile.label,
    form,
    strategy: choice.name,
    strategyLabel: label,
    backend: backend.name,
    fromSeed,
    universes,
    violations,
    // Exhaustive search never runs one schedule twice; a seeded search counts its fingerprints.
    distinctExecutions: spreadSummary ? spreadSummary.executionDigests.length : universes,
    elapsedMs,
    steps: work.steps,
    operationsAttempted: work.operationsAttempted,
    operationsCompleted: work.operationsCompleted,
    stepsPerSecond: rates.stepsPerSecond,
    operationsPerSecond: rates.operationsPerSecond,
    universesPerSecond: rates.universesPerSecond,
    jobs: spread.jobs,
    shard: spreadSummary?.shard ?? null,
    stopped: first && !flags.keepGoing ? "failure" : timedOut ? "time" : "budget",
    firstFailure:
      first && failure
        ? {
            seed: first.seed,
            traceHash: first.traceHash,
            violation: { kind: first.violations[0]!.kind, message: first.violations[0]!.message },
            tape: first.tape,
            member: failure.member,
            signature: signatureOf(first),
            replay,
            replayTape: replayOf(failure, tapeFile!),
          }
        : null,
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
    shrunk: shrunk
      ? {
          before: shrunk.before,
          after: shrunk.after,
          replays: shrunk.replays,
          ms: shrunk.ms,
          budgetSpent: shrunk.budgetSpent,
          tape: shrunk.tape,
          traceHash: shrunk.final.traceHash,
          signature: shrunk.signature,
          violation: { kind: shrunk.final.violations[0]!.kind, message: shrunk.final.violations[0]!.message },
        }
      : null,
    tapeFile,
    savedTo: save && failure ? save : null,
    kept: backend.keptDirectories(),
    ...(faults.length ? { faults, limited, firstLimited } : {}),
  };
  const errors = out.result(doc, () => ({
    suite: `omnisim run ${scenario.name}`,
    cases: [
      {
        name: `${scenario.name} on ${profile.label}`,
        className: scenario.name,
        seconds: elapsedMs / 1000,
        failure: failure
          ? { message: `${first!.violations[0]!.kind} at seed ${first!.seed}: ${replay}`, type: first!.violations[0]!.kind, details: foundLines(failure, "").join("\n") }
          : null,
      },
    ],
  }));
  if (failure && tape) {
    const saved = saveArtefacts(failure, tape, { save });
    errors.push(...saved.errors);
    if (saved.tapeFile && saved.tapeFile !== tapeFile) out.line(`  (the tape file name was taken by another tape: written to ${saved.tapeFile})`);
    if (saved.ledger) out.line(`  saved to the seed ledger ${saved.ledger}`);
    const note = fixedNote(failure, saved.ledger);
    if (note) out.line(note);
  }
  reportErrors(errors);
  return first ? 1 : errors.length ? 2 : 0;

  function passLines(): string[] {
    if (exhaustive) {
      const space = `${exhaustive.schedules} schedule(s)${exhaustive.redundant ? ` and ${exhaustive.redundant} redundant universe(s) cut by the reduction` : ""}`;
      const bound = `${exhaustive.preemptions} preemption(s)${exhaustive.reduction ? "" : ", no reduction"}`;
      const lines = [
        exhaustive.complete
          ? `pass ${scenario.name}${formNote} on ${profile.label}: clean within ${bound}: ${space} explored, seed ${fromSeed} (${elapsedMs} ms)`
          : `pass ${scenario.name}${formNote} on ${profile.label}: no violation in ${space}, but the space within ${bound} is not exhausted (${timedOut ? "the --time budget ran out" : "raise --seeds"}) (${elapsedMs} ms)`,
      ];
      if (exhaustive.reduction) lines.push(`  (${REDUCTION_CAVEAT})`);
      return lines;
    }
    const lines = [
      `pass ${scenario.name}${formNote} on ${profile.label}: ${universes} universe(s) from seed ${spreadSummary?.fromSeed ?? fromSeed}, no violation (${elapsedMs} ms${timedOut ? `; the --time budget ran out before ${count}` : ""})${shardNote}`,
    ];
    if (guarantee) lines.push(...guaranteeLines(guarantee));
    return lines;
  }
}
