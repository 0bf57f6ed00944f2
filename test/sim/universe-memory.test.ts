// A finished universe must become garbage: a long hunt runs millions of them in one process.
// (A single shared never-settling promise once kept every crashed actor, and with it its whole
// universe, reachable: memory and GC time grew with every universe run.) The scheduler stands
// for the universe: the actors, their closures and the store hang from it.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { FP } from "../../failpoints/catalog.ts";
import { runUniverse, type UniverseSpec } from "../../sim/universe.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** An actor whose process dies at a failpoint, and one that keeps stepping after the crash. */
const crashing: UniverseSpec = {
  name: "memory/crash",
  async direct(world) {
    const proc = world.process("victim");
    const env = world.env(proc);
    world.failpoints.set(FP.OPTIMIZE_BEFORE_COMPACT, { kind: "crash" });
    const a = world.spawn(proc, "dies", async () => {
      await env.storage.objects.put("k", "v");
      await env.failpoints.hit(FP.OPTIMIZE_BEFORE_COMPACT);
    });
    await world.join(a);
  },
};

/** Runs universes and keeps only weak references to their worlds. */
async function runAndForget(count: number): Promise<WeakRef<object>[]> {
  const refs: WeakRef<object>[] = [];
  for (let seed = 1; seed <= count; seed++) {
    const r = await runUniverse({ spec: crashing, seed, fixes: PROFILES.seed });
    expect(r.world.sched.actors.some((a) => a.status === "dead")).toBe(true);
    refs.push(new WeakRef(r.world.sched));
  }
  return refs;
}

test("a universe whose actor crashed is collected once nothing refers to it", async () => {
  const refs = await runAndForget(5);
  // WeakRefs clear only after the current job: let a macrotask pass around the collection.
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc();
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc();
  expect(refs.filter((r) => r.deref() !== undefined).length).toBe(0);
});
