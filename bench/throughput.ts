// Throughput on one core: scheduling points (steps), completed operations and universes per
// second of the random workload at 30 operations on `fixed` and of every scenario; the
// scheduler's overhead as a ratio: one fixed sequence of 30 engine operations run bare (a
// trivial Env: the raw VirtualStore, a world port that resolves at once, no trace, no failpoint
// registry) and the same sequence run as the one actor of a universe; and `--jobs 2` against one
// thread on the same seeds.
import { performance } from "node:perf_hooks";
import type { Env } from "../engine/env.ts";
import { isOmniError } from "../engine/errors.ts";
import { PROFILES } from "../engine/fixes.ts";
import { Omnigraph } from "../engine/graph/omnigraph.ts";
import { isStorageError } from "../engine/storage/errors.ts";
import type { MutationOp } from "../engine/write/ops.ts";
import { join } from "node:path";
import { parallelSearch, SearchPool } from "../cli/parallel/parallel-search.ts";
import { runSearchTask, type SearchTask } from "../cli/parallel/search-task.ts";
import { WORKLOAD_SCHEMA } from "../scenarios/kit/schemas.ts";
import { VirtualClock } from "../sim/clock.ts";
import { SeededIds } from "../sim/ids.ts";
import { SeedTree } from "../sim/seed.ts";
import { VirtualStore } from "../sim/store/virtual-store.ts";
import { runUniverse, type UniverseSpec } from "../sim/universe.ts";
import { round, table } from "./table.ts";
import { emptyTally, loadTree, RANDOM_WORKLOAD_30, type Rates, ratesOf, type Tree, turn } from "./tree.ts";

export const OPERATIONS = 30;

type Op = (g: Omnigraph) => Promise<unknown>;

const tagged = (type: string, from: string, to: string, tag: string): MutationOp => ({ kind: "insertEdge", type, from, to, props: { tag } });

/** A fixed mix of 30 operations: inserts, edges, updates, deletes, loads, maintenance. */
export function benchOperations(): Op[] {
  const ops: Op[] = [
    (g) => g.mutate([{ kind: "insertNode", type: "Company", props: { name: "C0" } }]),
    (g) => g.mutate([{ kind: "insertNode", type: "Company", props: { name: "C1" } }]),
  ];
  for (let i = 0; ops.length < OPERATIONS; i++) {
    const p = `P${i}`;
    const steps: Op[] = [
      (g) => g.mutate([{ kind: "insertNode", type: "Person", props: { name: p, age: i } }]),
      (g) => g.mutate([tagged("WorksAt", p, `C${i % 2}`, `w${i}`)]),
      (g) => g.mutate([tagged("Knows", p, "P0", `k${i}`)]),
      (g) => g.mutate([{ kind: "updateNode", type: "Person", where: [{ column: "id", equals: p }], set: { age: 100 + i } }]),
      (g) => g.load({ mode: "Append", nodes: { Person: [{ name: `L${i}`, age: i }] }, edges: {} }),
      (g) => (i % 2 === 0 ? g.mutate([{ kind: "deleteEdge", type: "Knows", where: [{ column: "tag", equals: `k${i}` }] }]) : g.optimize()),
    ];
    ops.push(...steps);
  }
  return ops.slice(0, OPERATIONS);
}

async function runOps(g: Omnigraph, ops: readonly Op[]): Promise<void> {
  for (const op of ops) {
    try {
      await op(g);
    } catch (e) {
      if (!isOmniError(e) && !isStorageError(e)) throw e;
    }
  }
}

/** How many turns of the microtask queue a bare wait gives the jobs it waits on. */
const BARE_WAIT_TURNS = 100_000;

/** The engine's Env with nothing simulated around it. */
function bareEnv(seed: number): Env {
  const clock = new VirtualClock();
  const local = new Map<string, unknown>();
  return {
    root: "mem://graph",
    clock,
    ids: new SeededIds(SeedTree.root(seed).child("ids").prng(), clock),
    storage: new VirtualStore(),
    failpoints: { hit: async () => "pass" },
    world: {
      point: async () => {},
      // Jobs the engine spawns (optimize's tables, `concurrently`) run as plain promises here: a
      // wait lets them run (turns of the microtask queue) until it holds, and a wait they never
      // satisfy is a block the bare model cannot resolve.
      waitUntil: async (reason, ready) => {
        for (let turns = 0; !ready(); turns++) {
          if (turns >= BARE_WAIT_TURNS) throw new Error(`the bare model would block: ${reason}`);
          await Promise.resolve();
        }
      },
      sleep: async (ms) => clock.advance(ms),
      spawn: (_name, task) => void task(),
      processLocal: <T>(key: string, init: () => T): T => {
        if (!local.has(key)) local.set(key, init());
        return local.get(key) as T;
      },
    },
    fixes: PROFILES.fixed,
  };
}

const scheduledOps = (ops: readonly Op[]): UniverseSpec => ({
  name: "bench/ops",
  async direct(world) {
    const proc = world.process("bench");
    const actor = world.spawn(proc, "ops", async () => runOps(await Omnigraph.init(world.env(proc), WORKLOAD_SCHEMA), ops));
    await world.join(actor);
  },
});

export interface ScenarioRates extends Rates {
  readonly scenario: string;
}

export interface JobsComparison {
  readonly scenario: string;
  readonly universes: number;
  /** Universes per second on one thread and on `jobs` worker threads (threads started beforehand). */
  readonly oneThread: number;
  readonly jobs: number;
  readonly withJobs: number;
  readonly ratio: number;
  /** Whether both gave the same universes, violations, first failing seed, steps and operations. */
  readonly sameResults: boolean;
}

export interface ThroughputResult {
  /** `random-workload` at 30 operations per actor on `fixed`. */
  readonly randomWorkload: ScenarioRates;
  readonly bareMsPerSequence: number;
  readonly scheduledMsPerSequence: number;
  /** scheduled / bare. */
  readonly overheadRatio: number;
  /** Every scenario's searched form on `fixed`, random strategy, from seed 1. */
  readonly perScenario: readonly ScenarioRates[];
  readonly jobs: JobsComparison | null;
}

/** Rates of one scenario on this tree over about `ms` of wall time. */
async function ratesFor(tree: Tree, scenario: string, ms: number): Promise<ScenarioRates> {
  const tally = emptyTally();
  await turn(tree, scenario, ms, tally);
  return { scenario, ...ratesOf(tally) };
}

/** `--jobs 2` against one thread on the same seeds: universes per second, and the same answer. */
async function compareJobs(universes: number): Promise<JobsComparison> {
  const jobs = 2;
  const task: SearchTask = {
    scenario: "random-workload",
    form: "searched",
    fixes: PROFILES.fixed,
    strategy: { name: "portfolio" },
    fromSeed: 1,
    universes,
    keepGoing: true,
    backend: { name: "virtual" },
  };
  const pool = new SearchPool(jobs);
  try {
    // Start the threads (each loads the sources once) and let them compile their hot code, as
    // this thread already has, before the clock runs.
    await parallelSearch({ task: { ...task, fromSeed: 1_000_000, universes: jobs * 48 }, pool });
    let t = performance.now();
    const one = await runSearchTask(task);
    const oneMs = performance.now() - t;
    t = performance.now();
    const many = await parallelSearch({ task, pool });
    const manyMs = performance.now() - t;
    const sameResults =
      one.universes === many.universes &&
      one.violations === many.violations &&
      one.steps === many.steps &&
      one.operationsCompleted === many.operationsCompleted &&
      (one.firstFailure?.seed ?? null) === (many.firstFailure?.seed ?? null) &&
      (one.firstFailure?.executionDigest ?? null) === (many.firstFailure?.executionDigest ?? null);
    const oneThread = round((universes * 1000) / oneMs, 1);
    const withJobs = round((universes * 1000) / manyMs, 1);
    return { scenario: task.scenario, universes, oneThread, jobs, withJobs, ratio: round(withJobs / oneThread, 2), sameResults };
  } finally {
    await pool.destroy();
  }
}

const fmtOps = (r: Rates) => (r.operationsPerSecond === null ? "-" : String(r.operationsPerSecond));

export async function benchThroughput(options: { quick: boolean }): Promise<{ result: ThroughputResult; lines: string[] }> {
  const window = options.quick ? 800 : 4000;
  const ops = benchOperations();
  const spec = scheduledOps(ops);
  // Alternate the two so that warm-up, GC and machine load fall on both alike.
  const runBare = async (i: number) => runOps(await Omnigraph.init(bareEnv(i), WORKLOAD_SCHEMA), ops);
  const runScheduled = async (i: number) => {
    const r = await runUniverse({ spec, seed: i, fixes: PROFILES.fixed });
    if (r.verdict !== "pass") throw new Error(`the scheduled operation sequence failed: ${r.violations[0]?.message}`);
  };
  await runBare(0);
  await runScheduled(0);
  let bareMs = 0;
  let scheduledMs = 0;
  let pairs = 0;
  const began = performance.now();
  while (performance.now() - began < 2 * window) {
    pairs++;
    let t = performance.now();
    await runBare(pairs);
    bareMs += performance.now() - t;
    t = performance.now();
    await runScheduled(pairs);
    scheduledMs += performance.now() - t;
  }
  const tree = await loadTree(join(import.meta.dirname, ".."), "this tree");
  // Unmeasured: the hot code compiles before the clock runs.
  await ratesFor(tree, RANDOM_WORKLOAD_30, options.quick ? 1000 : 3000);
  const randomWorkload = await ratesFor(tree, RANDOM_WORKLOAD_30, options.quick ? 2000 : 10_000);
  const perScenario: ScenarioRates[] = [];
  for (const name of tree.scenarios) perScenario.push(await ratesFor(tree, name, options.quick ? 300 : 1500));
  const jobs = await compareJobs(options.quick ? 60 : 400);
  const result: ThroughputResult = {
    randomWorkload,
    bareMsPerSequence: round(bareMs / pairs, 3),
    scheduledMsPerSequence: round(scheduledMs / pairs, 3),
    overheadRatio: round(scheduledMs / bareMs, 2),
    perScenario,
    jobs,
  };
  const lines = [
    "Throughput (one core unless said)",
    ...table(
      ["measure", "value"],
      [
        [
          `random-workload on fixed, ${OPERATIONS} operations per actor`,
          `${randomWorkload.stepsPerSecond} steps/s, ${fmtOps(randomWorkload)} operations/s, ${randomWorkload.universesPerSecond} universes/s`,
        ],
        [`${OPERATIONS} engine operations, bare model`, `${result.bareMsPerSequence} ms`],
        [`${OPERATIONS} engine operations, one actor under the scheduler`, `${result.scheduledMsPerSequence} ms`],
        ["scheduler overhead (scheduled / bare)", `${result.overheadRatio}x`],
        [
          `--jobs ${jobs.jobs} / one thread, ${jobs.scenario} on fixed, ${jobs.universes} universes`,
          `${jobs.withJobs} / ${jobs.oneThread} universes/s = ${jobs.ratio}x, ${jobs.sameResults ? "same results" : "DIFFERENT RESULTS"}`,
        ],
      ],
    ),
    "",
    ...table(
      ["scenario (searched, fixed, random)", "steps/s", "operations/s", "universes/s"],
      perScenario.map((p) => [p.scenario, String(p.stepsPerSecond), fmtOps(p), String(p.universesPerSecond)]),
    ),
  ];
  return { result, lines };
}
