// A crash-state enumeration runs thousands of futures per seed: a future's world (its trace, its
// store, its scheduler) must become garbage once its state is counted and no later state shares
// it. (The enumeration once collected every outcome of the top walk, with its world, until the
// seed ended: over a GiB for one random-workload seed, and a quarter of the CPU in collection.)
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { expect, test } from "vitest";
import { PROFILES } from "../../../engine/fixes.ts";
import { randomWorkload } from "../../../scenarios/random-workload.ts";
import { formSpec } from "../../../scenarios/types.ts";
import { enumerateSeed } from "../../../sim/cuts/enumerate.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const small = formSpec(randomWorkload({ operations: 3, exactOperations: true }), "searched");
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test("the worlds of futures already judged are collected while the enumeration goes on", async () => {
  const worlds: WeakRef<object>[] = [];
  let aliveAfterTwenty = -1;
  const e = await enumerateSeed({
    spec: small,
    fixes: PROFILES.fixed,
    seed: 3,
    depth: 1,
    onState: (s) => {
      if (s.sharedWith === undefined) worlds.push(new WeakRef(s.result.world));
    },
    checkpoint: async () => {
      // Twenty futures in: only the latest few may live on (the state the next one may share
      // its future with, and what the collector has not got to yet: alone this is one or two,
      // in the full suite, with other workers' heaps on the machine, once three), never one
      // per future as when the walk kept every outcome (all twenty).
      if (worlds.length >= 20 && aliveAfterTwenty < 0) {
        // WeakRefs clear only after the current job: let macrotasks pass around the collection.
        await tick();
        gc();
        await tick();
        gc();
        aliveAfterTwenty = worlds.filter((w) => w.deref() !== undefined).length;
      }
      return false;
    },
  });
  expect(e.futures).toBeGreaterThanOrEqual(20);
  expect(worlds.length).toBeGreaterThanOrEqual(20);
  expect(aliveAfterTwenty).toBeGreaterThanOrEqual(0);
  expect(aliveAfterTwenty).toBeLessThanOrEqual(4);
});
