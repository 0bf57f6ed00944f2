// Shared setup: a graph, seeded in the setup process (never crashed), and handle openers.
import type { MutationOp } from "../../engine/write/ops.ts";
import type { Process } from "../../sim/scheduler.ts";
import type { ScenarioContext } from "../types.ts";
import { Client } from "./client.ts";

/** Creates the graph and writes `seed` mutations through the setup handle. */
export async function setupGraph(ctx: ScenarioContext, schema: string, seed: readonly (readonly MutationOp[])[] = []): Promise<Client> {
  const setup = await Client.init(ctx, ctx.world.process("setup"), schema);
  for (const [i, ops] of seed.entries()) await setup.mutate(`seed ${i + 1}`, ops);
  return setup;
}

/** Opens a handle in its own (optionally crashable) process; a failed open ends the scenario. */
export async function openIn(ctx: ScenarioContext, name: string, options: { crashable?: boolean; served?: boolean; proc?: Process } = {}): Promise<Client> {
  const proc = options.proc ?? ctx.world.process(name, { crashable: options.crashable ?? false });
  const client = await Client.open(ctx, proc, name, { served: options.served ?? false });
  if (!client) throw new Error(`scenario setup: open ${name} failed`);
  return client;
}

export const person = (name: string, age?: number): MutationOp => ({
  kind: "insertNode",
  type: "Person",
  props: age === undefined ? { name } : { name, age },
});
export const company = (name: string): MutationOp => ({ kind: "insertNode", type: "Company", props: { name } });
export const worksAt = (from: string, to: string): MutationOp => ({ kind: "insertEdge", type: "WorksAt", from, to });
