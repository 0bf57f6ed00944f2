// The kernel's own demo, from before the engine: two writers do a read-modify-write of one
// counter object. Without a shared lock one increment can be lost; the `sharedQueues` fix (on
// in `fixed`) makes both writers take one world-owned lock, and the bug cannot happen.
import type { Env } from "../engine/env.ts";
import type { Scenario, ScenarioContext } from "./types.ts";

const COUNTER = "demo/counter";

interface Lock {
  held: boolean;
}

async function increment(env: Env, locked: boolean): Promise<void> {
  const lock = env.world.processLocal<Lock>("demo-lock", () => ({ held: false }));
  if (locked) {
    await env.world.waitUntil("demo-lock", () => !lock.held);
    lock.held = true;
  }
  const value = Number(await env.storage.objects.get(COUNTER));
  await env.storage.objects.put(COUNTER, String(value + 1));
  if (locked) lock.held = false;
}

async function direct({ world }: ScenarioContext): Promise<void> {
  const proc = world.process("app");
  const env = world.env(proc);
  await world.storage.objects.put(COUNTER, "0");
  const locked = world.fixes.sharedQueues;
  const writers = [world.spawn(proc, "writer-a", () => increment(env, locked)), world.spawn(proc, "writer-b", () => increment(env, locked))];
  await world.join(...writers);
  const final = Number(await world.storage.objects.get(COUNTER));
  if (final !== writers.length) {
    world.violation("lost-update", `two increments acknowledged but the counter is ${final}`, { final, expected: writers.length });
  }
}

export const demoLostUpdate: Scenario = {
  name: "demo-lost-update",
  bug: "demo",
  summary: "two unlocked read-modify-writes of one object lose an update (sharedQueues locks them)",
  redProfile: "seed",
  symptoms: ["lost-update"],
  actors: ["writer-a", "writer-b"],
  oracles: ["lost-update"],
  searched: direct,
};
