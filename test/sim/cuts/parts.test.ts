// Non-atomic steps are cut part by part. Calls real Lance makes as several durable steps (a
// compaction's ReserveFragments before its Rewrite, on a dataset or on `__manifest`; a cleanup's
// removal of each old version) pass through their intermediate states, and each is a cut; steps
// the engine makes of several calls (a rename as copy then delete, the three staging files, a
// sidecar and its commits, the commit graph's two rows) are cut between the calls.
import { expect, test } from "vitest";
import type { Env } from "../../../engine/env.ts";
import { PROFILES } from "../../../engine/fixes.ts";
import { renameText } from "../../../engine/storage/rename-text.ts";
import type { DatasetPath, Version } from "../../../engine/storage/types.ts";
import { runUncut } from "../../../sim/cuts/enumerate.ts";
import { sameState } from "../../../sim/cuts/recorder.ts";
import { VirtualStore } from "../../../sim/store/virtual-store.ts";
import type { UniverseSpec } from "../../../sim/universe.ts";

const path = "nodes/t" as DatasetPath;
const v = (n: number) => n as Version;

test("a compaction passes through its ReserveFragments version; a cleanup through each removal", () => {
  const store = new VirtualStore();
  store.datasets.createNow(path);
  store.datasets.commitNow(path, null, v(1), { op: "Append", rows: [{ id: "a" }] });
  store.datasets.commitNow(path, null, v(2), { op: "Append", rows: [{ id: "b" }] });
  const compaction = store.partsOf(() => store.datasets.commitNow(path, null, v(3), { op: "Rewrite" }));
  expect(compaction.outcome.ok).toBe(true);
  expect(compaction.parts).toHaveLength(1);
  const between = VirtualStore.fromSnapshot(compaction.parts[0]!);
  expect(between.datasets.versionsNow(path, null).map((x) => x.op)).toEqual(["Create", "Append", "Append", "ReserveFragments"]);
  expect(store.datasets.versionsNow(path, null).at(-1)!.op).toBe("Rewrite");

  const cleanup = store.partsOf(() => store.datasets.cleanupNow(path, null));
  // Five versions, four removed: three states part way, oldest first.
  expect(cleanup.parts.map((p) => VirtualStore.fromSnapshot(p).datasets.versionsNow(path, null).length)).toEqual([4, 3, 2]);

  store.manifest.createNow();
  store.manifest.mergeNow(null, v(1), [{ objectId: "x", objectType: "table", tableKey: "node:T" }]);
  store.manifest.mergeNow(null, v(2), [{ objectId: "y", objectType: "table", tableKey: "node:U" }]);
  const manifest = store.partsOf(() => store.manifest.compactNow(null, v(3)));
  expect(manifest.parts).toHaveLength(1);
  expect(VirtualStore.fromSnapshot(manifest.parts[0]!).manifest.latestVersionNow(null)).toBe(4);
  expect(store.manifest.latestVersionNow(null)).toBe(5);

  // Everything else is one atomic step.
  expect(store.partsOf(() => store.objects.putNow("k", "body")).parts).toEqual([]);
  expect(store.partsOf(() => store.manifest.mergeNow(null, v(5), [{ objectId: "z", objectType: "table", tableKey: "node:V" }])).parts).toEqual([]);
});

test("the recorder cuts a compaction and a cleanup part by part, and a rename between its copy and its delete", async () => {
  const spec: UniverseSpec = {
    name: "parts",
    crashes: {
      async base(world) {
        // A crashable process's writes are cut (a director's are the universe's premises).
        const proc = world.process("p", { crashable: true });
        await world.join(world.spawn(proc, "p", () => writeAll(world.env(proc))));
      },
      after: async () => {},
    },
    direct: async () => {},
  };
  async function writeAll(env: Env): Promise<void> {
        const s = env.storage;
        await s.datasets.create(path);
        await s.datasets.commit(path, null, v(1), { op: "Append", rows: [{ id: "a" }] });
        await s.datasets.commit(path, null, v(2), { op: "Append", rows: [{ id: "b" }] });
        await s.datasets.commit(path, null, v(3), { op: "Rewrite" });
        await s.datasets.cleanup(path, null);
        await s.objects.put("a.staging", "new");
        await renameText(env, "a.staging", "a");
  }
  const { world } = await runUncut({ spec, fixes: PROFILES.fixed, seed: 1 });
  const writes = world.cuts!.writes;
  const described = writes.map((w) => `${w.call.op}${w.part ? ` ${w.part.n}/${w.part.of}` : ""}`);
  expect(described).toEqual([
    "datasets.create",
    "datasets.commit",
    "datasets.commit",
    "datasets.commit 1/2",
    "datasets.commit 2/2",
    "datasets.cleanup 1/4",
    "datasets.cleanup 2/4",
    "datasets.cleanup 3/4",
    "datasets.cleanup 4/4",
    "objects.put",
    "objects.copy",
    "objects.delete",
  ]);
  // Parts of one call share its trace position: its result is traced after its last part only.
  const compaction = writes.filter((w) => w.call.op === "datasets.commit" && w.part);
  expect(compaction[0]!.traceAfter).toBe(compaction[0]!.traceBefore);
  expect(compaction[1]!.traceAfter).toBeGreaterThan(compaction[1]!.traceBefore);
  expect(sameState(compaction[0]!.after, compaction[1]!.before)).toBe(true);
  // Between the copy and the delete both names exist.
  const copy = writes.find((w) => w.call.op === "objects.copy")!;
  const mid = VirtualStore.fromSnapshot(copy.after);
  expect([mid.objects.existsNow("a.staging"), mid.objects.existsNow("a")]).toEqual([true, true]);
});
