// Throughput on one core: universes per second of the random workload at 30 operations on
// `fixed`, and the scheduler's overhead as a ratio: one fixed sequence of 30 engine operations
// run bare (a trivial Env: the raw VirtualStore, a world port that resolves at once, no trace,
// no failpoint registry) and the same sequence run as the one actor of a universe.
import { performance } from "node:perf_hooks";
import type { Env } from "../engine/env.ts";
import { isOmniError } from "../engine/errors.ts";
import { PROFILES } from "../engine/fixes.ts";
import { Omnigraph } from "../engine/graph/omnigraph.ts";
import { isStorageError } from "../engine/storage/errors.ts";
import type { MutationOp } from "../engine/write/ops.ts";
import { findScenario, SCENARIOS } from "../scenarios/registry.ts";
import { WORKLOAD_SCHEMA } from "../scenarios/kit/schemas.ts";
import { formSpec, type Scenario } from "../scenarios/types.ts";
import { VirtualClock } from "../sim/clock.ts";
import { SeededIds } from "../sim/ids.ts";
import { SeedTree } from "../sim/seed.ts";
import { VirtualStore } from "../sim/store/virtual-store.ts";
import { runUniverse, type UniverseSpec } from "../sim/universe.ts";
import { round, table } from "./table.ts";

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
      waitUntil: async (reason, ready) => {
        if (!ready()) throw new Error(`the bare model would block: ${reason}`);
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

async function timeLoop(minMs: number, body: (i: number) => Promise<void>): Promise<{ runs: number; msPerRun: number }> {
  await body(0);
  const started = performance.now();
  let runs = 0;
  while (performance.now() - started < minMs) await body(++runs);
  return { runs, msPerRun: (performance.now() - started) / runs };
}

/**
 * The random workload at 30 operations. HOOK: it is built from `randomWorkload` in
 * scenarios/random-workload.ts when that module offers it; otherwise the registry's
 * `random-workload` (at its own operation count) stands in, and without either the bench says so.
 */
async function randomWorkload30(): Promise<{ scenario: Scenario; note: string } | null> {
  const path = "../scenarios/random-workload.ts";
  try {
    const mod = (await import(path)) as { randomWorkload?: (o: { operations: number; exactOperations?: boolean }) => Scenario };
    if (typeof mod.randomWorkload === "function") {
      return { scenario: mod.randomWorkload({ operations: OPERATIONS, exactOperations: true }), note: `${OPERATIONS} operations per actor` };
    }
  } catch {
    // not there yet
  }
  const registered = findScenario("random-workload");
  return registered ? { scenario: registered, note: "the registry's operation count (30-operation form not exported)" } : null;
}

export interface ThroughputResult {
  readonly randomWorkload: { readonly note: string; readonly universes: number; readonly perSecond: number; readonly msPerUniverse: number } | null;
  readonly bareMsPerSequence: number;
  readonly scheduledMsPerSequence: number;
  /** scheduled / bare. */
  readonly overheadRatio: number;
  readonly perScenario: readonly { readonly scenario: string; readonly perSecond: number }[];
}

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
  const bare = { msPerRun: bareMs / pairs };
  const scheduled = { msPerRun: scheduledMs / pairs };
  const rw = await randomWorkload30();
  let randomWorkload: ThroughputResult["randomWorkload"] = null;
  if (rw) {
    const rwSpec = formSpec(rw.scenario, "searched");
    const t = await timeLoop(options.quick ? 2000 : 10_000, async (i) => {
      await runUniverse({ spec: rwSpec, seed: i + 1, fixes: PROFILES.fixed });
    });
    randomWorkload = { note: rw.note, universes: t.runs, perSecond: round(1000 / t.msPerRun, 1), msPerUniverse: round(t.msPerRun, 2) };
  }
  const perScenario: { scenario: string; perSecond: number }[] = [];
  for (const s of SCENARIOS) {
    const sSpec = formSpec(s, "searched");
    const t = await timeLoop(options.quick ? 150 : 600, async (i) => {
      await runUniverse({ spec: sSpec, seed: i + 1, fixes: PROFILES.fixed });
    });
    perScenario.push({ scenario: s.name, perSecond: round(1000 / t.msPerRun, 1) });
  }
  const result: ThroughputResult = {
    randomWorkload,
    bareMsPerSequence: round(bare.msPerRun, 3),
    scheduledMsPerSequence: round(scheduled.msPerRun, 3),
    overheadRatio: round(scheduled.msPerRun / bare.msPerRun, 2),
    perScenario,
  };
  const lines = [
    "Throughput (one core)",
    ...table(
      ["measure", "value"],
      [
        [
          "random-workload on fixed, universes/s",
          randomWorkload ? `${randomWorkload.perSecond} (${randomWorkload.msPerUniverse} ms each; ${randomWorkload.note})` : "HOOK: random-workload is not in the registry yet",
        ],
        [`${OPERATIONS} engine operations, bare model`, `${result.bareMsPerSequence} ms`],
        [`${OPERATIONS} engine operations, one actor under the scheduler`, `${result.scheduledMsPerSequence} ms`],
        ["scheduler overhead (scheduled / bare)", `${result.overheadRatio}x`],
      ],
    ),
    "",
    ...table(["scenario (searched, fixed, random)", "universes/s"], perScenario.map((p) => [p.scenario, String(p.perSecond)])),
  ];
  return { result, lines };
}
