// Shared setup: a graph, seeded in the setup process (never crashed), and handle openers.
//
// A setup is run once per scenario, profile and arguments, and every later universe starts from
// a copy of what it left (the store in O(1), the clock, the step count, the failpoint hits, the
// history's operations and the trace's events, as they were): universes of a small scenario then
// cost little more than their own steps. The setup draws its ids from a stream of its own, the
// same for every seed (`UniverseIds`), which is what makes its result the same for every seed; a
// universe's own ids start after it. A setup is reused only where it is the universe's very
// first act and made no choice; anywhere else it simply runs.
import type { MutationOp } from "../../engine/write/ops.ts";
import type { OpRecord } from "../../sim/oracles/history.ts";
import type { Process } from "../../sim/scheduler.ts";
import type { SetupImage } from "../../sim/world.ts";
import { stopAt } from "../../sim/judged-stop.ts";
import type { ScenarioContext } from "../types.ts";
import { Client } from "./client.ts";

interface ReusedSetup {
  readonly world: SetupImage;
  readonly ops: readonly OpRecord[];
}

const reusable = new Map<string, ReusedSetup>();
const REMEMBER_AT_MOST = 64;
let reuse = true;
let restored = 0;

/** How many universes started from a reused setup so far in this process (tests check it happens). */
export function setupsReused(): number {
  return restored;
}

/** Turns reuse of setups on or off (tests compare the two; a fresh process starts with it on). */
export function reuseSetups(on: boolean): void {
  reuse = on;
  reusable.clear();
}

/** Events of a universe before its director's first act: its process, its spawn, its first grant. */
const EVENTS_BEFORE_DIRECTOR = 3;

/** Whether the universe has done nothing yet but start its director. */
function atStart(ctx: ScenarioContext): boolean {
  const { world, history } = ctx;
  return (
    world.trace.length === EVENTS_BEFORE_DIRECTOR &&
    world.sched.stepCount === 1 &&
    world.sched.tape.length === 0 &&
    world.sched.processes.length === 1 &&
    history.ops.length === 0
  );
}

/** Creates the graph and writes `seed` mutations through the setup handle. */
export async function setupGraph(ctx: ScenarioContext, schema: string, seed: readonly (readonly MutationOp[])[] = []): Promise<void> {
  const { world, history } = ctx;
  const key = reuse && world.canReuseSetups && atStart(ctx) ? JSON.stringify([schema, seed, world.fixes]) : null;
  const known = key === null ? undefined : reusable.get(key);
  if (known) {
    world.restoreSetup(known.world);
    history.restoreOps(known.ops, world.sched.current!);
    restored++;
    return;
  }
  const from = world.trace.length;
  world.ids.beginSetup();
  // A setup's writes are no crash states: whether it ran or was reused, cuts count from its end.
  world.cuts?.pause();
  try {
    const setup = await Client.init(ctx, world.process("setup"), schema);
    for (const [i, ops] of seed.entries()) await setup.mutate(`seed ${i + 1}`, ops);
  } finally {
    world.cuts?.resume();
    world.ids.endSetup();
  }
  if (key === null) return;
  const image = world.captureSetup(from);
  if (!image) return;
  if (reusable.size >= REMEMBER_AT_MOST) reusable.clear();
  reusable.set(key, { world: image, ops: history.ops.map((op) => ({ ...op })) });
}

/**
 * Opens a handle in its own (optionally crashable) process; a failed open ends the scenario. The
 * open is a recorded operation, so its failure is judged (open-failed, or excused as a storage
 * fault's detected damage, as when it refuses a sidecar another actor's torn write left): the
 * stop is a JudgedStop, never a harness error, unless the open failed in a way nothing judges.
 */
export async function openIn(ctx: ScenarioContext, name: string, options: { crashable?: boolean; served?: boolean; proc?: Process } = {}): Promise<Client> {
  const proc = options.proc ?? ctx.world.process(name, { crashable: options.crashable ?? false });
  const client = await Client.open(ctx, proc, name, { served: options.served ?? false });
  if (client) return client;
  const label = `open ${name}`;
  throw stopAt(ctx.history.ops.findLast((op) => op.label === label), `scenario setup: open ${name} failed`);
}

export const person = (name: string, age?: number): MutationOp => ({
  kind: "insertNode",
  type: "Person",
  props: age === undefined ? { name } : { name, age },
});
export const company = (name: string): MutationOp => ({ kind: "insertNode", type: "Company", props: { name } });
export const worksAt = (from: string, to: string): MutationOp => ({ kind: "insertEdge", type: "WorksAt", from, to });
