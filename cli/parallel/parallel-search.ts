// A seed search spread over worker threads (`--jobs N`), with the answer a single thread gives.
//
// The seeds are cut into consecutive pieces handed out in order. Every universe depends only on
// its seed, so whichever thread runs a piece finds the same verdicts and trace hashes. The answer
// is put together as one thread would have met the seeds: the first failure is the failure of
// the lowest seed; without --keep-going, the universes, steps and operations counted are those
// up to and including it (no piece past it is started; those already running finish and are
// ignored, since stopping a worker mid-task would cost a new thread; pieces before it always
// finish, since one of them may hold an earlier failure). The failing universe itself is run
// again on this thread, so the caller gets the whole result (trace, tape, world) to report,
// shrink and save, exactly as without workers.
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import Tinypool from "tinypool";
import { backendByName } from "../../sim/backends.ts";
import { runUniverse, type UniverseResult } from "../../sim/universe.ts";
import type { OtherFinding, SearchSummary } from "../../sim/search.ts";
import { scenarioNamed, type SearchTask, strategiesFor, taskSpec, type TaskOutcome } from "./search-task.ts";
import type { CrashSeedOutcome, CrashTask } from "./crash-task.ts";
import { CoverageLedger } from "../../sim/coverage.ts";

/** The default for `--jobs` where a command spreads by default (`hunt`): every core. */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

export interface ParallelSummary extends SearchSummary {
  /** Universes the threads ran in all, counting those past the first failure that were thrown away. */
  readonly executed: { readonly universes: number; readonly steps: number; readonly operationsCompleted: number };
}

/** A pool of worker threads, kept for a whole command (a hunt runs many searches on one pool). */
export class SearchPool {
  private readonly pool: Tinypool;

  constructor(readonly jobs: number) {
    this.pool = new Tinypool({
      filename: fileURLToPath(new URL("./worker.js", import.meta.url)),
      minThreads: jobs,
      maxThreads: jobs,
      // Idle threads stay: the next search of a hunt reuses their loaded modules.
      idleTimeout: 60_000,
    });
  }

  run(task: SearchTask): Promise<TaskOutcome> {
    return this.pool.run(task) as Promise<TaskOutcome>;
  }

  /** Crash-state enumeration of some seeds (`cli/parallel/crash-task.ts`). */
  runCrashes(task: CrashTask): Promise<CrashSeedOutcome[]> {
    return this.pool.run(task, { name: "runCrashTask" }) as Promise<CrashSeedOutcome[]>;
  }

  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}

/** The most seeds one piece holds: small enough to balance and to stop soon after a failure. */
export function pieceSize(universes: number, jobs: number): number {
  return Math.max(1, Math.min(64, Math.ceil(universes / (jobs * 8))));
}

/**
 * The pieces a search is cut into, in seed order: each at most `pieceSize`, and smaller as the
 * seeds left run out (a quarter of each thread's share of what is left), so the threads finish
 * together instead of one running the last big piece alone (guided self-scheduling). The cut
 * depends only on the counts, and the answer not at all.
 */
export function pieceSizes(universes: number, jobs: number): number[] {
  const most = pieceSize(universes, jobs);
  const sizes: number[] = [];
  for (let left = universes; left > 0; ) {
    const size = Math.max(1, Math.min(most, Math.ceil(left / (jobs * 4)), left));
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

export interface ParallelSearchOptions {
  readonly task: SearchTask;
  readonly pool: SearchPool;
  /** Called as pieces finish, with the universes they ran (progress bars). */
  readonly onProgress?: (universes: number) => void;
  /** True once no more pieces should start (a wall-clock budget): the seeds run so far count. */
  readonly stop?: () => boolean;
}

export async function parallelSearch(options: ParallelSearchOptions): Promise<ParallelSummary> {
  const { task, pool } = options;
  const pieces: SearchTask[] = [];
  let offset = 0;
  for (const size of pieceSizes(task.universes, pool.jobs)) {
    pieces.push({ ...task, fromSeed: task.fromSeed + offset, universes: size });
    offset += size;
  }
  const outcomes: (TaskOutcome | null)[] = pieces.map(() => null);
  /** The lowest piece holding a failure, when not keeping going: nothing after it counts. */
  let cut = Infinity;
  let next = 0;
  /** Pieces launched before `stop` said so: the search ends after them. */
  let limit = Infinity;
  const executed = { universes: 0, steps: 0, operationsCompleted: 0 };
  const inFlight = new Set<Promise<void>>();
  const launch = (i: number) => {
    const p = pool.run(pieces[i]!).then((outcome) => {
      outcomes[i] = outcome;
      executed.universes += outcome.universes;
      executed.steps += outcome.steps;
      executed.operationsCompleted += outcome.operationsCompleted;
      options.onProgress?.(outcome.universes);
      if (outcome.firstFailure && !task.keepGoing && i < cut) cut = i;
      if (outcome.firstClaimed && task.stopAtClaim && i < cut) cut = i;
    });
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  // Keep every thread busy with one piece and one queued behind it.
  while (next < pieces.length || inFlight.size > 0) {
    if (limit === Infinity && options.stop?.()) limit = next;
    while (next < pieces.length && next < cut && next < limit && inFlight.size < pool.jobs * 2) launch(next++);
    if (inFlight.size === 0) break;
    await Promise.race(inFlight);
  }
  // Stopped early (a time budget), even a search that keeps going counts only the pieces it ran.
  return combine(task, outcomes, Math.min(cut, limit - 1), executed);
}

async function combine(
  task: SearchTask,
  outcomes: readonly (TaskOutcome | null)[],
  cut: number,
  executed: ParallelSummary["executed"],
): Promise<ParallelSummary> {
  let universes = 0;
  let violations = 0;
  let steps = 0;
  let operationsAttempted = 0;
  let operationsCompleted = 0;
  let maxStepDecisions = 0;
  let maxActorsOffered = 0;
  let firstSeed: number | null = null;
  let firstDigest: string | null = null;
  let claimed = 0;
  let firstClaimedSeed: number | null = null;
  const digests = new Set<string>();
  const armed = new Set<string>();
  const others = new Map<string, OtherFinding>();
  const coverage = new CoverageLedger();
  let limited = 0;
  let firstLimited: ParallelSummary["firstLimited"] = null;
  const last = Math.min(cut, outcomes.length - 1);
  for (let i = 0; i <= last; i++) {
    const o = outcomes[i];
    if (!o) throw new Error(`search piece ${i} did not finish`);
    universes += o.universes;
    violations += o.violations;
    steps += o.steps;
    operationsAttempted += o.operationsAttempted;
    operationsCompleted += o.operationsCompleted;
    maxStepDecisions = Math.max(maxStepDecisions, o.maxStepDecisions);
    maxActorsOffered = Math.max(maxActorsOffered, o.maxActorsOffered);
    if (o.firstFailure && firstSeed === null) {
      firstSeed = o.firstFailure.seed;
      firstDigest = o.firstFailure.executionDigest;
    }
    claimed += o.claimed;
    if (o.firstClaimed && firstClaimedSeed === null) firstClaimedSeed = o.firstClaimed.seed;
    for (const d of o.executionDigests) digests.add(d);
    for (const a of o.scriptArmed) armed.add(a);
    coverage.append(o.coverage);
    limited += o.limited;
    firstLimited ??= o.firstLimited;
    // Pieces are met in seed order, so the first piece to show a signature holds its first seed.
    for (const f of o.others) {
      const seen = others.get(f.signature);
      others.set(f.signature, seen ? { ...seen, count: seen.count + f.count } : f);
    }
  }
  const firstFailure = firstSeed === null ? null : await rerun(task, firstSeed, firstDigest);
  const firstClaimed = firstClaimedSeed === null ? null : firstClaimedSeed === firstSeed ? firstFailure : await rerun(task, firstClaimedSeed);
  return {
    universes,
    violations,
    firstFailure,
    claimed,
    firstClaimed,
    others: [...others.values()],
    executionDigests: [...digests],
    scriptArmed: [...armed],
    steps,
    operationsAttempted,
    operationsCompleted,
    maxStepDecisions,
    maxActorsOffered,
    coverage: coverage.data(),
    limited,
    firstLimited,
    executed,
  };
}

/** The failing universe again, on this thread, for the whole result (its execution as the worker's, when `digest` names it). */
async function rerun(task: SearchTask, seed: number, digest: string | null = null): Promise<UniverseResult> {
  const scenario = await scenarioNamed(task.scenario);
  const strategies = await strategiesFor(task);
  const { name, ...backendOptions } = task.backend;
  const result = await runUniverse({
    spec: taskSpec(scenario, task),
    seed,
    fixes: task.fixes,
    strategy: strategies.forSeed(seed),
    backend: backendByName(name, backendOptions),
  });
  if (result.verdict !== "fail") throw new Error(`seed ${seed} failed in a worker but passed when run again: a determinism bug`);
  if (digest !== null && result.executionDigest !== digest) {
    throw new Error(`seed ${seed} ran another execution in a worker (${digest}) than when run again (${result.executionDigest}): a determinism bug`);
  }
  return result;
}
