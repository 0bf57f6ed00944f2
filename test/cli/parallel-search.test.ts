// `--jobs N` gives the answer one thread gives: the same universes counted, violations, first
// failing seed and trace hash, with and without --keep-going, failing or clean.
import { afterAll, expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { parallelSearch, pieceSize, pieceSizes, SearchPool } from "../../cli/parallel/parallel-search.ts";
import { runSearchTask, type SearchTask } from "../../cli/parallel/search-task.ts";

const pool = new SearchPool(2);
afterAll(() => pool.destroy());

function task(scenario: string, profile: "seed" | "fixed", universes: number, keepGoing: boolean): SearchTask {
  return {
    scenario,
    form: "searched",
    fixes: PROFILES[profile],
    strategy: { name: "portfolio" },
    fromSeed: 1,
    universes,
    keepGoing,
    backend: { name: "virtual" },
  };
}

const cases: [string, SearchTask][] = [
  ["stops at the first failure", task("card-concurrent-insert", "seed", 120, false)],
  ["counts every failure with --keep-going", task("open-sweep-cas-race", "seed", 120, true)],
  ["a clean run", task("sidecar-list-get-race", "fixed", 60, false)],
];

test.each(cases)("two threads, one answer: %s", async (_name, t) => {
  const one = await runSearchTask(t);
  const two = await parallelSearch({ task: t, pool });
  expect({
    universes: two.universes,
    violations: two.violations,
    steps: two.steps,
    operationsAttempted: two.operationsAttempted,
    operationsCompleted: two.operationsCompleted,
    maxStepDecisions: two.maxStepDecisions,
    maxActorsOffered: two.maxActorsOffered,
    firstFailure: two.firstFailure && { seed: two.firstFailure.seed, executionDigest: two.firstFailure.executionDigest, kind: two.firstFailure.violations[0]!.kind },
  }).toEqual({
    universes: one.universes,
    violations: one.violations,
    steps: one.steps,
    operationsAttempted: one.operationsAttempted,
    operationsCompleted: one.operationsCompleted,
    maxStepDecisions: one.maxStepDecisions,
    maxActorsOffered: one.maxActorsOffered,
    firstFailure: one.firstFailure,
  });
  expect(two.executed.universes).toBeGreaterThanOrEqual(two.universes);
}, 120_000);

test("pieces are small enough to spread and to stop soon after a failure", () => {
  expect(pieceSize(1500, 2)).toBe(64);
  expect(pieceSize(100, 2)).toBe(7);
  expect(pieceSize(3, 4)).toBe(1);
});

test("pieces cover every seed once, in order, and shrink toward the end so threads finish together", () => {
  for (const [universes, jobs] of [[400, 2], [1500, 2], [100, 4], [3, 4], [1, 2], [97, 3]] as const) {
    const sizes = pieceSizes(universes, jobs);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(universes);
    expect(sizes.every((s) => s >= 1 && s <= pieceSize(universes, jobs))).toBe(true);
    // Never growing: the last pieces are the smallest.
    expect(sizes.every((s, i) => i === 0 || s <= sizes[i - 1]!)).toBe(true);
  }
  // The tail: the last piece of a long search is a single seed, not a full piece.
  expect(pieceSizes(400, 2).at(-1)).toBe(1);
  expect(pieceSizes(400, 2)[0]).toBe(pieceSize(400, 2));
});
