// The kernel's own demo, from before the engine: writers in one process do read-modify-write
// increments of one counter object, each inside the engine's write queue for the counter's key.
// At the seed every handle owns its queue manager, so writers on different handles do not
// exclude each other and an increment can be lost; with `sharedQueues` (RFC-022) every handle of
// one root in a process shares one manager, and the queue serializes them. The demo holds no
// lock of its own: the mechanism under test is the engine's.
import type { Env } from "../engine/env.ts";
import { WriteQueueManager } from "../engine/sync/write-queue.ts";
import type { Scenario, ScenarioContext } from "./types.ts";

const COUNTER = "demo/counter";
const KEY = { key: COUNTER, branch: null } as const;

async function increment(env: Env, queues: WriteQueueManager): Promise<void> {
  const release = await queues.acquireMany(env, [KEY]);
  try {
    const value = Number(await env.storage.objects.get(COUNTER));
    await env.storage.objects.put(COUNTER, String(value + 1));
  } finally {
    release();
  }
}

async function direct({ world }: ScenarioContext): Promise<void> {
  const proc = world.process("app");
  const env = world.env(proc);
  await world.storage.objects.put(COUNTER, "0");
  const writers = 2 + world.choose("a third writer", 2);
  let total = 0;
  const actors = [];
  for (let i = 0; i < writers; i++) {
    const increments = 1 + world.choose(`writer ${i + 1}: increments beyond one`, 3);
    total += increments;
    // Each writer is its own handle: its queue manager is its own unless `sharedQueues`.
    const queues = WriteQueueManager.forHandle(env, `writer-${i + 1}`);
    actors.push(
      world.spawn(proc, `writer-${i + 1}`, async () => {
        for (let k = 0; k < increments; k++) await increment(env, queues);
      }),
    );
  }
  await world.join(...actors);
  const final = Number(await world.storage.objects.get(COUNTER));
  if (final !== total) {
    world.violation({ kind: "lost-update", message: `${total} increments acknowledged but the counter is ${final}`, details: { final, expected: total } });
  }
}

export const demoLostUpdate: Scenario = {
  name: "demo-lost-update",
  summary: "read-modify-writes of one object on separate handles lose an update (the engine's shared queues serialize them)",
  claim: {
    kind: "bug",
    bug: "demo",
    redProfile: "seed",
    symptoms: [{ kind: "lost-update" }],
    closedBy: ["sharedQueues"],
  },
  searched: direct,
};
