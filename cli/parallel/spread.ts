// `--jobs N` and `--shard k/n` on a seeded search: which seeds this command runs (its shard's
// slice of the whole search) and on how many threads. Whatever the split, the answer is the one
// a single thread gives over the same seeds (cli/parallel/parallel-search.ts).
import type { SearchSummary } from "../../sim/search.ts";
import type { StrategyFactory, UniverseResult, UniverseSpec } from "../../sim/universe.ts";
import type { BackendFactory } from "../../sim/universe.ts";
import { searchSeeds } from "../../sim/search.ts";
import { parseCount, UsageError } from "../args.ts";
import { parallelSearch, SearchPool } from "./parallel-search.ts";
import { claimRule, type SearchTask } from "./search-task.ts";
import { parseShard, type Shard, shardSeeds } from "./shard.ts";
import type { ShardInfo } from "./merge.ts";

export interface SpreadFlags {
  jobs?: string;
  shard?: string;
}

export interface Spread {
  readonly jobs: number;
  readonly shard: Shard | null;
}

export const MAX_JOBS = 256;

export function parseSpread(flags: SpreadFlags, defaultJobs: number): Spread {
  let jobs = defaultJobs;
  if (flags.jobs !== undefined) {
    jobs = parseCount(flags.jobs, "--jobs");
    if (jobs < 1 || jobs > MAX_JOBS) throw new UsageError(`bad --jobs "${flags.jobs}": expected an integer from 1 to ${MAX_JOBS}`);
  }
  return { jobs, shard: flags.shard === undefined ? null : parseShard(flags.shard) };
}

/** The threads a command's searches share; none for one job. */
export function poolFor(spread: Spread): SearchPool | null {
  return spread.jobs > 1 ? new SearchPool(spread.jobs) : null;
}

export interface SpreadSearch {
  /** The whole search, as plain data (a worker rebuilds it from this). */
  readonly task: SearchTask;
  readonly spread: Spread;
  readonly pool: SearchPool | null;
  /** The same search, as this thread runs it. */
  readonly spec: UniverseSpec;
  readonly strategyFor: (seed: number) => StrategyFactory;
  readonly backend: BackendFactory;
  readonly onUniverse?: (result: UniverseResult | null) => void;
  /** Awaited after each universe on one thread: true stops the search (`--time`, Ctrl-C). */
  readonly checkpoint?: () => Promise<boolean>;
  /** On worker threads: true once no more seeds should start (`--time`). */
  readonly stop?: () => boolean;
}

export interface SpreadSummary extends SearchSummary {
  /** The seeds this command ran (its shard's slice, or all). */
  readonly fromSeed: number;
  readonly seeds: number;
  /** What a report says of its shard, for merge-reports; null unsharded. */
  readonly shard: ShardInfo | null;
}

export async function spreadSearch(s: SpreadSearch): Promise<SpreadSummary> {
  const whole = s.task;
  const slice = s.spread.shard ? shardSeeds(whole.fromSeed, whole.universes, s.spread.shard) : { fromSeed: whole.fromSeed, universes: whole.universes };
  const shard: ShardInfo | null = s.spread.shard
    ? { k: s.spread.shard.k, n: s.spread.shard.n, fromSeed: whole.fromSeed, universes: whole.universes, keepGoing: whole.keepGoing }
    : null;
  const task: SearchTask = { ...whole, ...slice };
  const summary: SearchSummary =
    s.pool && task.universes > 0
      ? await parallelSearch({ task, pool: s.pool, ...(s.stop ? { stop: s.stop } : {}), onProgress: (n) => { for (let i = 0; i < n; i++) s.onUniverse?.(null); } })
      : await searchSeeds({
          spec: s.spec,
          fixes: task.fixes,
          fromSeed: task.fromSeed,
          universes: task.universes,
          strategyFor: s.strategyFor,
          keepGoing: task.keepGoing,
          ...(await claimRule(task)),
          backend: s.backend,
          ...(s.onUniverse ? { onUniverse: (r: UniverseResult) => s.onUniverse!(r) } : {}),
          ...(s.checkpoint ? { checkpoint: s.checkpoint } : {}),
        });
  return { ...summary, fromSeed: task.fromSeed, seeds: task.universes, shard };
}
