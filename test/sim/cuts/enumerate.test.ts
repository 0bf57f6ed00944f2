// Crash-state enumeration (sim/cuts/): every durable write of a universe is cut just before and
// just after it, each future forked from an O(1) snapshot of the store, recovered and judged; a
// recovery is cut in turn at each of its own writes (double faults); a named cut replays to the
// same trace hash; and a state the engine cannot recover from goes red.
import { expect, test } from "vitest";
import { FP } from "../../../failpoints/catalog.ts";
import { PROFILES } from "../../../engine/fixes.ts";
import { findScenario } from "../../../scenarios/registry.ts";
import { randomWorkload } from "../../../scenarios/random-workload.ts";
import { formSpec } from "../../../scenarios/types.ts";
import { formatCut, parseCut, stateAt } from "../../../sim/cuts/crash-state.ts";
import { endOf, enumerateSeed, runUncut } from "../../../sim/cuts/enumerate.ts";
import { replayCut } from "../../../sim/cuts/replay-cut.ts";
import { sameState } from "../../../sim/cuts/recorder.ts";
import { digest } from "../../../sim/store/digest.ts";
import { STORAGE_FAULT_KINDS } from "../../../sim/faults/kinds.ts";
import { withStorageFaults } from "../../../sim/faults/spec.ts";
import { manifestHistory, publishedSnapshots } from "../../../sim/oracles/published.ts";
import { oraclesFrom } from "../../../scenarios/kit/crash-epilogue.ts";

const small = formSpec(randomWorkload({ operations: 3, exactOperations: true }), "searched");

test("names: 117a, 117b, end and 117a.3b parse and print back; bad names are refused", () => {
  for (const n of ["117a", "117b", "end", "117a.3b", "end.2a", "1b.1a"]) expect(formatCut(parseCut(n)!)).toBe(n);
  for (const n of ["", "0a", "117", "117c", "a117", "1a.2b.3a", "end.end.1a", "-1a"]) expect(parseCut(n)).toBeNull();
});

test("every durable write is a cut, before and after; consecutive states share the store; setup writes are none", async () => {
  const { world, result } = await runUncut({ spec: small, fixes: PROFILES.fixed, seed: 3 });
  const writes = world.cuts!.writes;
  expect(writes.length).toBeGreaterThan(10);
  // Only the body's writes: the setup (init, which creates __manifest, and its seed data) is not cut.
  expect(writes.some((w) => w.call.op === "manifest.create")).toBe(false);
  expect(writes.map((w) => w.index)).toEqual(writes.map((_, i) => i + 1));
  for (let k = 1; k < writes.length; k++) {
    // The state just after write k is the state just before write k+1: one durable state, two cuts.
    expect(sameState(writes[k - 1]!.after, writes[k]!.before)).toBe(true);
    expect(sameState(writes[k]!.before, writes[k]!.after)).toBe(false);
    expect(writes[k]!.traceBefore).toBeGreaterThanOrEqual(writes[k - 1]!.traceAfter);
  }
  const end = endOf(world, result);
  expect(digest(end.store)).toBe(digest(writes[writes.length - 1]!.after));
  // A workload actor's write: its process is among those that die at both of its cuts.
  const w = writes.find((x) => x.actor !== "director")!;
  const before = stateAt(null, { write: w.index, side: "before" }, writes, end)!;
  const after = stateAt(null, { write: w.index, side: "after" }, writes, end)!;
  expect(before.traceLength).toBeLessThan(after.traceLength);
  for (const s of [before, after]) expect(s.dying.some((p) => p.proc === w.proc && p.actors.includes(w.actor))).toBe(true);
});

test("one seed: 2W + 1 single crashes, every recovery write cut twice, distinct states counted by content", async () => {
  const e = await enumerateSeed({ spec: small, fixes: PROFILES.fixed, seed: 3 });
  expect(e.baseFailure).toBeNull();
  expect(e.statesByDepth[0]).toBe(2 * e.writes + 1);
  expect(e.statesByDepth[1]).toBe(2 * e.recoveryWrites);
  expect(e.recoveryWrites).toBeGreaterThan(0);
  expect(e.states).toBe(e.statesByDepth[0]! + e.statesByDepth[1]!);
  expect(e.digests.size).toBeGreaterThan(e.writes / 2);
  expect(e.digests.size).toBeLessThan(e.states);
  expect(e.violations).toBe(0);
  // Recovery windows were reached, and the cuts fell in windows of the writers.
  expect([...e.windows.reached]).toContain(FP.RECOVERY_SIDECAR_LIST);
  expect(e.windows.crashed.size).toBeGreaterThan(0);
});

test("a named cut replays its future exactly: the trace hash the enumeration saw", async () => {
  const hashes = new Map<string, string>();
  const shared = new Map<string, string>();
  await enumerateSeed({
    spec: small,
    fixes: PROFILES.fixed,
    seed: 3,
    onState: (s) => {
      // A state that shares an equivalent state's future (the reduction) reports that future: its
      // own replays to the same verdict (checked below), not to the same trace.
      const name = formatCut(s.name);
      if (s.sharedWith) shared.set(name, s.result.verdict);
      else if (["5a", "9b", "end"].includes(name) || (s.name.length === 2 && hashes.size < 6)) hashes.set(name, s.result.traceHash);
    },
  });
  expect(hashes.size).toBeGreaterThanOrEqual(6);
  for (const [name, hash] of hashes) {
    const r = await replayCut({ spec: small, fixes: PROFILES.fixed, seed: 3, name: parseCut(name)! });
    expect(r.result.traceHash, name).toBe(hash);
  }
  expect(shared.size).toBeGreaterThan(0);
  for (const [name, verdict] of [...shared].slice(0, 4)) {
    const r = await replayCut({ spec: small, fixes: PROFILES.fixed, seed: 3, name: parseCut(name)! });
    expect(r.result.verdict, name).toBe(verdict);
  }
});

test("red where the engine cannot recover: an inline delete's crash leaves drift no sidecar covers (B8 on seed), green on fixed", async () => {
  const spec = formSpec(findScenario("inline-delete-crash")!, "searched");
  const red = await enumerateSeed({ spec, fixes: PROFILES.seed, seed: 1, depth: 1 });
  expect(red.violations).toBeGreaterThan(0);
  expect(red.firstViolation!.result.violations.map((v) => v.kind)).toContain("drift-after-recovery");
  const green = await enumerateSeed({ spec, fixes: PROFILES.fixed, seed: 1, depth: 1 });
  expect(green.violations).toBe(0);
  expect(green.states).toBe(2 * green.writes + 1);
});

test("with storage faults: the futures suffer none of their own, and weigh the faults struck before their cut (detected or harmless)", async () => {
  const spec = withStorageFaults(formSpec(findScenario("audit-twice")!, "searched"), [...STORAGE_FAULT_KINDS]);
  const { world } = await runUncut({ spec, fixes: PROFILES.fixed, seed: 1 });
  expect(world.storageFaults!.struck.length).toBeGreaterThan(0);
  let inherited = 0;
  const e = await enumerateSeed({
    spec,
    fixes: PROFILES.fixed,
    seed: 1,
    onState: (s) => {
      expect(s.result.world.storageFaults).toBeNull();
      inherited += s.result.world.inheritedFaults.length > 0 ? 1 : 0;
    },
  });
  expect(inherited).toBeGreaterThan(0);
  expect(e.violations).toBe(0);
});

test("a cut between a compaction's two commits: the durable ReserveFragments is the optimize's commit, and its roll-forward is judged by it", async () => {
  const spec = formSpec(findScenario("optimize-vs-write")!, "searched");
  const { world } = await runUncut({ spec, fixes: PROFILES.fixed, seed: 1 });
  const parts = world.cuts!.writes.filter((w) => w.call.op === "datasets.commit" && w.part !== null);
  // The universe has such a cut to judge (optimize compacts at least two fragments at seed 1).
  expect(parts.length).toBeGreaterThan(0);
  const e = await enumerateSeed({ spec, fixes: PROFILES.fixed, seed: 1, depth: 1 });
  expect(e.violations).toBe(0);
  // The cut's future records the durable part as the writer's commit (its result never reached the trace).
  const inside = parts.find((w) => w.part!.n === 1)!;
  const r = await replayCut({ spec, fixes: PROFILES.fixed, seed: 1, name: parseCut(`${inside.index}a`)! });
  expect(r.result.verdict).toBe("pass");
  expect(r.result.trace.events().some((ev) => ev.e === "io" && ev.actor === inside.actor && "cutInside" in ev.args)).toBe(true);
});

test("a future's snapshots are read only from the one standing at its judgement's start, exactly those the oracles are shown", async () => {
  const { world } = await runUncut({ spec: small, fixes: PROFILES.fixed, seed: 3 });
  const raw = world.backend.storage;
  const manifests = await manifestHistory(raw, world.trace.events());
  const all = await publishedSnapshots(raw, manifests);
  expect(all.length).toBeGreaterThan(3);
  let shown: readonly { version: number }[] = [];
  const spy = { spy: (ctx: { snapshots: readonly { version: number }[] }) => ((shown = ctx.snapshots), []) };
  for (const from of [0, 1, ...all.map((s) => s.at), ...all.map((s) => s.at + 1), world.trace.length]) {
    const read = await publishedSnapshots(raw, manifests, from);
    await oraclesFrom(from, spy as never).spy!({ snapshots: all } as never);
    expect(read.map((s) => s.version)).toEqual(shown.map((s) => s.version));
    if (from > all[1]!.at) expect(read.length).toBeLessThan(all.length);
  }
});
