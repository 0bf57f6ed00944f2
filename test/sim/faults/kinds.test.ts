// The seeded storage fault plan (sim/faults/): every fault kind strikes some universe as a `fault`
// trace event, and a faulted universe replays from its seed to the same trace hash; a universe
// without `--faults` is the universe it always was; the "detected or harmless" judgement keeps a
// violation no fault explains.
import { expect, test } from "vitest";
import { PROFILES } from "../../../engine/fixes.ts";
import { randomWorkload } from "../../../scenarios/random-workload.ts";
import { formSpec } from "../../../scenarios/types.ts";
import { STORAGE_FAULT_KINDS, parseFaultKinds, type StorageFaultKind } from "../../../sim/faults/kinds.ts";
import { misdirectedKey } from "../../../sim/faults/plan.ts";
import { withStorageFaults } from "../../../sim/faults/spec.ts";
import type { TraceEvent } from "../../../sim/trace.ts";
import { runUniverse } from "../../../sim/universe.ts";

const workload = formSpec(randomWorkload({ operations: 4 }), "searched");
type FaultEvent = Extract<TraceEvent, { e: "fault" }>;
const faultsOf = (events: readonly TraceEvent[]) => events.filter((e): e is FaultEvent => e.e === "fault");

test("--faults parses kinds and all; an unknown kind names the known ones", () => {
  expect(parseFaultKinds("all")).toEqual([...STORAGE_FAULT_KINDS]);
  expect(parseFaultKinds("torn, lost,torn")).toEqual(["torn", "lost"]);
  expect(parseFaultKinds("gremlins")).toMatch(/unknown fault kind "gremlins" \(kinds: error, ack-loss/);
  expect(parseFaultKinds("")).toBe("no fault kind given");
  expect(misdirectedKey("__recovery/01AB.json")).toBe("__recovery/01AB~misdirected.json");
});

test.each(STORAGE_FAULT_KINDS.map((k) => [k]))("%s: strikes as a trace event, and the faulted universe replays to the same hash", async (kind: StorageFaultKind) => {
  const spec = withStorageFaults(workload, [kind]);
  let found: { seed: number; hash: string; faults: FaultEvent[] } | null = null;
  for (let seed = 1; seed <= 40 && !found; seed++) {
    const r = await runUniverse({ spec, seed, fixes: PROFILES.fixed });
    const faults = faultsOf(r.trace.events());
    if (faults.length > 0) found = { seed, hash: r.traceHash, faults };
  }
  expect(found, `no ${kind} fault struck in 40 universes`).not.toBeNull();
  const { seed, hash, faults } = found!;
  expect(faults.every((f) => f.kind === kind)).toBe(true);
  const f = faults[0]!;
  // A copy's subject is empty; its destination is what the fault redirects.
  if (kind === "misdirected") expect(f.key).toEqual(f.op === "objects.copy" ? expect.stringContaining("~misdirected") : misdirectedKey(f.subject));
  if (kind === "torn") expect(f.bytes).toBeGreaterThanOrEqual(0);
  if (kind === "latency") expect(f.delayMs).toBeGreaterThan(0);
  if (kind === "stale") expect(f.back).toBeGreaterThanOrEqual(0);
  const again = await runUniverse({ spec, seed, fixes: PROFILES.fixed });
  expect(again.traceHash).toBe(hash);
  // The same seed without the fault plan is another universe: the faults are part of it.
  const plain = await runUniverse({ spec: workload, seed, fixes: PROFILES.fixed });
  expect(plain.traceHash).not.toBe(hash);
  expect(faultsOf(plain.trace.events())).toEqual([]);
});

test("swarm: each universe turns on a subset of the kinds asked for, chosen from its seed", async () => {
  const spec = withStorageFaults(workload, [...STORAGE_FAULT_KINDS]);
  const kindsSeen = new Set<string>();
  const perUniverse: number[] = [];
  for (let seed = 1; seed <= 12; seed++) {
    const r = await runUniverse({ spec, seed, fixes: PROFILES.fixed });
    const plan = r.world.storageFaults!;
    expect(plan.enabled.length).toBeGreaterThan(0);
    perUniverse.push(plan.enabled.length);
    for (const k of plan.enabled) kindsSeen.add(k);
    for (const f of faultsOf(r.trace.events())) expect(plan.enabled).toContain(f.kind);
  }
  expect(new Set(perUniverse).size).toBeGreaterThan(1);
  expect(Math.min(...perUniverse)).toBeLessThan(STORAGE_FAULT_KINDS.length);
  expect(kindsSeen.size).toBe(STORAGE_FAULT_KINDS.length);
});
