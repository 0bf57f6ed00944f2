// Scripted situations that more than one test file runs: the ported upstream test bodies
// whose outcome a flag decides. Each returns what the caller asserts on.
import { expect } from "vitest";
import { FP } from "../../failpoints/catalog.ts";
import type { Omnigraph } from "../../engine/graph/omnigraph.ts";
import type { TableOptimizeStats } from "../../engine/maintenance/optimize.ts";
import type { LoadSpec } from "../../engine/write/load.ts";
import { byId } from "../../engine/write/ops.ts";
import type { World } from "../../sim/world.ts";
import type { RecoverySidecar } from "../../engine/recovery/sidecar.ts";
import {
  company,
  edge,
  failsAt,
  onlySidecar,
  outcomeOf,
  person,
  PERSON,
  type Proc,
  published,
  settle,
  type Settled,
  sidecarsOnDisk,
  startProcess,
  WORKS_AT,
} from "./support.ts";

/** Upstream's `tests/fixtures/test.jsonl`, as one Append load. */
export const TEST_DATA: LoadSpec = {
  mode: "Append",
  nodes: {
    Person: [
      { name: "Alice", age: 30 },
      { name: "Bob", age: 25 },
      { name: "Charlie", age: 35 },
      { name: "Diana", age: 28 },
    ],
    Company: [{ name: "Acme" }, { name: "Globex" }],
  },
  edges: {
    Knows: [
      { from: "Alice", to: "Bob" },
      { from: "Alice", to: "Charlie" },
      { from: "Bob", to: "Diana" },
    ],
    WorksAt: [
      { from: "Alice", to: "Acme" },
      { from: "Bob", to: "Globex" },
    ],
  },
};

/** `init_and_load`: a graph with the test data, on `proc` (default: a new process `init`). */
export async function initAndLoad(w: World, proc: Proc = startProcess(w, "init")): Promise<Omnigraph> {
  const g = await proc.init();
  await g.load(TEST_DATA);
  return g;
}

/**
 * Runs a write that commits its datasets and then fails at `mutation.post_finalize_pre_publisher`
 * (manifest untouched), and returns the one sidecar it leaves pending.
 */
export async function failAtFinalize(w: World, write: () => Promise<unknown>): Promise<RecoverySidecar> {
  await failsAt(w, FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, write);
  return onlySidecar(w);
}

/** The usual residual: Eve's insert committed Person (Lance v+1), the manifest still at v. */
export async function leaveFinalizeResidual(w: World, g: Omnigraph): Promise<string> {
  const sidecar = await failAtFinalize(w, () => g.mutate([person("Eve", 22)]));
  expect(sidecar.writer_kind).toBe("Mutation");
  return sidecar.operation_id;
}

/**
 * `open_sweep_roll_forward_converges_when_manifest_advances_concurrently` (#296): two opens
 * sweep one roll-forward-eligible sidecar; the first parks in the classify -> publish window
 * while the second rolls it forward. Returns the parked open's outcome.
 */
export async function openSweepRace(w: World): Promise<Settled> {
  const g = await startProcess(w, "init").init();
  await leaveFinalizeResidual(w, g);
  w.failpoints.set(FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH, { kind: "park" });
  const first = startProcess(w, "open-1");
  const parked = first.spawn("open-1", () => first.open());
  await w.until("open-1 parked", () => w.failpoints.reached(FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH));
  const converging = await startProcess(w, "open-2").open();
  expect((await converging.read("node", "Person")).map((r) => r.id)).toEqual(["Eve"]);
  w.failpoints.release(FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH);
  await w.join(parked);
  return outcomeOf(parked);
}

/** Four separate inserts: four Person fragments for compaction to merge. */
export async function initFourPeople(w: World): Promise<Omnigraph> {
  const g = await startProcess(w, "init").init();
  for (const [name, age] of [["alice", 30], ["bob", 31], ["carol", 32], ["dave", 33]] as const) await g.mutate([person(name, age)]);
  return g;
}

/**
 * `optimize_survives_concurrent_{insert_advancing_manifest,delete_before_compaction}`:
 * optimize parks at `optimize.before_compact` (its sidecar on disk) while a separate handle
 * inserts eve or deletes alice. Returns optimize's outcome.
 */
export async function optimizeRace(w: World, writer: "insert" | "delete"): Promise<Settled> {
  await initFourPeople(w);
  w.failpoints.set(FP.OPTIMIZE_BEFORE_COMPACT, { kind: "park" });
  const o = startProcess(w, "optimizer");
  const optimizing = o.spawn("optimize", async () => (await o.open()).optimize());
  await w.until("optimize parked", () => w.failpoints.reached(FP.OPTIMIZE_BEFORE_COMPACT));
  expect((await sidecarsOnDisk(w)).map((s) => s.writer_kind)).toEqual(["Optimize"]);
  const b = await startProcess(w, "writer").open();
  if (writer === "insert") await b.mutate([person("eve", 34)]);
  else await b.mutate([{ kind: "deleteNode", type: "Person", where: byId("alice") }]);
  w.failpoints.release(FP.OPTIMIZE_BEFORE_COMPACT);
  await w.join(optimizing);
  return outcomeOf(optimizing);
}

export function personStats(stats: unknown): TableOptimizeStats | undefined {
  return (stats as TableOptimizeStats[]).find((s) => s.tableKey === PERSON);
}

/**
 * `cardinality_rejected_for_stale_handle_after_concurrent_edge_commit` (#298): handle B opens,
 * A commits WorksAt(Alice -> Acme), then B, which never read since, inserts
 * WorksAt(Alice -> Beta). Returns how B's insert settled.
 */
export async function staleCardinalityInsert(w: World): Promise<Settled> {
  const a = await startProcess(w, "a").init();
  await a.mutate([person("Alice"), company("Acme"), company("Beta")]);
  const b = await startProcess(w, "b").open();
  await a.mutate([edge("WorksAt", "Alice", "Acme")]);
  return settle(b.mutate([edge("WorksAt", "Alice", "Beta")]));
}

/** The published WorksAt edges as [src, dst] pairs. */
export async function worksAt(w: World): Promise<[string, string][]> {
  return (await published(w, WORKS_AT, "src", "dst")).map((r) => [String(r.src), String(r.dst)] as [string, string]).sort();
}
