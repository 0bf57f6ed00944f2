// merge-reports: the shards of one search make the report one unsharded run would have made.
import { expect, test } from "vitest";
import { mergeRunReports, type RunReport } from "../../cli/parallel/merge.ts";
import { shardSeeds } from "../../cli/parallel/shard.ts";

/** A fake search over seeds 1..20 that fails at the seeds in `failing`, cut into n shards. */
function shards(n: number, failing: readonly number[], keepGoing: boolean): RunReport[] {
  return Array.from({ length: n }, (_, i) => {
    const { fromSeed, universes } = shardSeeds(1, 20, { k: i + 1, n });
    const seeds = Array.from({ length: universes }, (_, j) => fromSeed + j);
    const fails = seeds.filter((s) => failing.includes(s));
    const first = fails[0] ?? null;
    const ran = keepGoing || first === null ? universes : first - fromSeed + 1;
    return {
      scenario: "s",
      profile: "seed",
      strategyLabel: "random",
      fromSeed,
      universes: ran,
      violations: keepGoing ? fails.length : first === null ? 0 : 1,
      steps: ran * 10,
      elapsedMs: 5,
      firstFailure: first === null ? null : { seed: first },
      shard: { k: i + 1, n, fromSeed: 1, universes: 20, keepGoing },
    };
  });
}

test("stopping at the first failure: the first failing seed and the universes one run counts", () => {
  const { merged, failed } = mergeRunReports(shards(4, [13, 17], false).reverse());
  expect(failed).toBe(true);
  expect(merged.firstFailure).toEqual({ seed: 13 });
  expect(merged.universes).toBe(13);
  expect(merged.violations).toBe(1);
  expect(merged.steps).toBe(130);
});

test("with --keep-going every failure counts; a clean search is clean", () => {
  expect(mergeRunReports(shards(3, [2, 13, 17], true)).merged).toMatchObject({ universes: 20, violations: 3, firstFailure: { seed: 2 } });
  const clean = mergeRunReports(shards(4, [], false));
  expect(clean.failed).toBe(false);
  expect(clean.merged).toMatchObject({ universes: 20, violations: 0, firstFailure: null, shards: 4 });
});

test("reports that are not the n shards of one search are refused", () => {
  const four = shards(4, [], false);
  expect(() => mergeRunReports(four.slice(0, 3))).toThrow(/missing 4\/4/);
  expect(() => mergeRunReports([...four, four[1]!])).toThrow(/given twice 2\/4/);
  expect(() => mergeRunReports([...four.slice(0, 3), { ...four[3]!, scenario: "t" }])).toThrow(/another search/);
  expect(() => mergeRunReports([{ ...four[0]!, shard: undefined }])).toThrow(/not a shard/);
});
