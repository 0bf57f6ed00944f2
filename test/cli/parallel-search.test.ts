// `--jobs N` gives the answer one thread gives: the same universes counted, violations, first
// failing seed and trace hash, with and without --keep-going, failing or clean.
import { afterAll, expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { parallelSearch, pieceSize, SearchPool } from "../../cli/parallel/parallel-search.ts";
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
