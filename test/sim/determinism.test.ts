// The determinism contract: the same (scenario, profile, seed) gives the same trace hash, and
// universes interleaved in one process give the same hashes as each run alone. Both checks are
// shown to go red on a planted defect.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { findScenario, SCENARIOS } from "../../scenarios/registry.ts";
import { formSpec } from "../../scenarios/types.ts";
import { runUniverse, type UniverseSpec } from "../../sim/universe.ts";

const seeds = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function hashes(spec: UniverseSpec, ss: number[]): Promise<string[]> {
  const out: string[] = [];
  for (const seed of ss) out.push((await runUniverse({ spec, seed, fixes: PROFILES.seed })).traceHash);
  return out;
}

/** Seeds whose two runs differ. */
async function nondeterministicSeeds(spec: UniverseSpec, ss: number[]): Promise<number[]> {
  const [a, b] = [await hashes(spec, ss), await hashes(spec, ss)];
  return ss.filter((_, i) => a[i] !== b[i]);
}

/** Seeds whose hash differs when run interleaved with another universe. */
async function interleavingSensitiveSeeds(spec: UniverseSpec, ss: number[]): Promise<number[]> {
  const alone = await hashes(spec, ss);
  const together = await Promise.all(ss.map((seed) => runUniverse({ spec, seed, fixes: PROFILES.seed }).then((r) => r.traceHash)));
  return ss.filter((_, i) => alone[i] !== together[i]);
}

test("the random workload gives the same trace hash for the same seed, over 200 seeds", async () => {
  const spec = formSpec(findScenario("random-workload")!, "searched");
  expect(await nondeterministicSeeds(spec, seeds(200))).toEqual([]);
});

test("every other scenario, both forms, gives the same trace hash for the same seed", async () => {
  for (const scenario of SCENARIOS) {
    for (const form of scenario.scripted ? (["searched", "scripted"] as const) : (["searched"] as const)) {
      expect(await nondeterministicSeeds(formSpec(scenario, form), seeds(10)), `${scenario.name}/${form}`).toEqual([]);
    }
  }
});

test("universes interleaved in one process give the same hashes as each run alone", async () => {
  for (const scenario of SCENARIOS) {
    const spec = formSpec(scenario, "searched");
    expect(await interleavingSensitiveSeeds(spec, seeds(8)), scenario.name).toEqual([]);
  }
});

// A planted defect: state that outlives a universe (a module-level counter) leaks into the next.
let leaked = 0;
const leaky: UniverseSpec = {
  name: "planted/leaky",
  async direct(world) {
    leaked++;
    const proc = world.process("p");
    const env = world.env(proc);
    await env.storage.objects.put(`k${leaked % 3}`, "v");
  },
};

test("the determinism check goes red on state leaking between runs", async () => {
  expect((await nondeterministicSeeds(leaky, seeds(5))).length).toBeGreaterThan(0);
});

// A planted defect: two universes share one mutable object; interleaving changes what each sees.
const shared = { value: 0 };
const sharing: UniverseSpec = {
  name: "planted/sharing",
  async direct(world) {
    const proc = world.process("p");
    const env = world.env(proc);
    for (let i = 0; i < 3; i++) {
      shared.value++;
      await env.storage.objects.put(`k${shared.value % 2}`, "v");
    }
  },
};

test("the isolation check goes red on universes that share state", async () => {
  expect((await interleavingSensitiveSeeds(sharing, seeds(6))).length).toBeGreaterThan(0);
});
