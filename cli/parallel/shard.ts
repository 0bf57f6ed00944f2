// `--shard k/n`: one of n CI jobs runs its own consecutive slice of the seeds. The rule: of U
// universes from seed S, shard k (1-based) runs the seeds from S + floor((k-1)·U/n) up to, not
// including, S + floor(k·U/n). The slices are disjoint, cover every seed once, differ in size by
// at most one, and each is one consecutive run, so `merge-reports` can tell the first failing
// seed and how many universes one unsharded run would have counted.
import { UsageError } from "../args.ts";

export interface Shard {
  /** 1-based. */
  readonly k: number;
  readonly n: number;
}

export const MAX_SHARDS = 10_000;

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || n > MAX_SHARDS || k < 1 || k > n) {
    throw new UsageError(`bad --shard "${text}": expected k/n with 1 <= k <= n <= ${MAX_SHARDS} (shard 2 of 4 is 2/4)`);
  }
  return { k, n };
}

/** The seeds shard `shard` runs of `universes` from `fromSeed`. */
export function shardSeeds(fromSeed: number, universes: number, shard: Shard): { fromSeed: number; universes: number } {
  const start = Math.floor(((shard.k - 1) * universes) / shard.n);
  const end = Math.floor((shard.k * universes) / shard.n);
  return { fromSeed: fromSeed + start, universes: end - start };
}
