// The backend factory (a directory per universe, removed on dispose unless kept), reopening a
// kept directory (the op log is durable), the engine itself running on real Lance inside a
// simulated world, and the simulator's factory (sim/backends.ts) that runUniverse disposes.
import { existsSync, mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, expect } from "vitest";
import { lanceBackend, type LanceBackend } from "../../backends/lance/backend.ts";
import { PROFILES } from "../../engine/fixes.ts";
import { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { backendByName, backendDirectory, isBackendName, lanceBackendFactory, LOGICAL_ROOT } from "../../sim/backends.ts";
import { runUniverse, type UniverseSpec } from "../../sim/universe.ts";
import type { Backend } from "../../sim/world.ts";
import { CARDINALITY_SCHEMA } from "../engine/helpers.ts";
import { PERSON, row, v } from "./helpers.ts";

test("each backend gets a fresh temporary directory, removed on dispose; `keep` leaves it", async () => {
  const one = lanceBackend();
  const two = lanceBackend();
  const asWorldBackend: Backend = one;
  expect(asWorldBackend.external).toBe(true);
  expect(one.root).not.toBe(two.root);
  expect(one.root.startsWith(tmpdir())).toBe(true);
  await one.storage.objects.put("k", "v");
  await one.dispose();
  await two.dispose();
  expect(existsSync(one.root)).toBe(false);
  const kept = lanceBackend({ keep: true });
  await kept.storage.objects.put("k", "v");
  await kept.dispose();
  expect(existsSync(join(kept.root, "k"))).toBe(true);
  await rm(kept.root, { recursive: true });
});

test("a kept directory reopens with its versions, ops and read versions (the op log is on disk)", async () => {
  const parent = mkdtempSync(join(tmpdir(), "omnisim-lance-test-"));
  const dir = join(parent, "graph");
  const first = lanceBackend({ dir, keep: true });
  await first.storage.datasets.create(PERSON);
  await first.storage.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("a")] });
  await first.storage.datasets.commit(PERSON, null, v(1), { op: "Update", rows: [row("a", 2)] });
  await first.storage.manifest.create();
  await first.storage.manifest.merge(null, v(1), [{ objectId: "x", objectType: "graph_head", tableKey: null }]);
  await first.dispose();
  const second = lanceBackend({ dir });
  try {
    expect(await second.storage.datasets.versions(PERSON, null)).toEqual([
      { version: 1, op: "Create", readVersion: 0 },
      { version: 2, op: "Append", readVersion: 1 },
      { version: 3, op: "Update", readVersion: 1 },
    ]);
    await expect(second.storage.manifest.merge(null, v(1), [{ objectId: "x", objectType: "graph_head", tableKey: null }])).rejects.toMatchObject({
      kind: "TooMuchWriteContention",
    });
  } finally {
    await second.dispose();
  }
  expect(existsSync(dir)).toBe(false);
  await rm(parent, { recursive: true });
});

/** Init, a few inserts and an edge on one handle, then a second handle opens and reads. */
function insertsThenRead(seen: { value?: unknown }): UniverseSpec {
  return {
    name: "lance-smoke",
    async direct(w) {
      const g = await Omnigraph.init(w.env(w.process("init")), CARDINALITY_SCHEMA, { name: "init" });
      await g.mutate([
        { kind: "insertNode", type: "Person", props: { name: "Alice", age: 30 } },
        { kind: "insertNode", type: "Company", props: { name: "Acme" } },
      ]);
      await g.mutate([{ kind: "insertNode", type: "Person", props: { name: "Bob" } }]);
      await g.mutate([{ kind: "insertEdge", type: "WorksAt", from: "Alice", to: "Acme" }]);
      const reader = await Omnigraph.open(w.env(w.process("reader")), { name: "reader", served: false, mode: "ReadWrite" });
      seen.value = {
        people: (await reader.read("node", "Person")).map((r) => r.id),
        edges: (await reader.read("edge", "WorksAt")).map((e) => [e.src, e.dst]),
      };
    },
  };
}

test("the engine runs on real Lance in a simulated world, with the very trace it has on the virtual store", async () => {
  let backend: LanceBackend | undefined;
  const onLance: { value?: unknown } = {};
  const onModel: { value?: unknown } = {};
  // Kept: the universe disposes its backend when it ends, and this test still reads the directory.
  const lance = await runUniverse({ seed: 1, fixes: PROFILES.seed, backend: () => (backend = lanceBackend({ keep: true })), spec: insertsThenRead(onLance) });
  const model = await runUniverse({ seed: 1, fixes: PROFILES.seed, spec: insertsThenRead(onModel) });
  try {
    expect(lance.violations).toEqual([]);
    expect(onLance.value).toEqual({ people: ["Alice", "Bob"], edges: [["Alice", "Acme"]] });
    expect(existsSync(backend!.root)).toBe(true);
    expect(await backend!.storage.objects.list("__recovery/")).toEqual([]);
    // Same steps, same storage results, same scheduling: the same trace hash.
    expect(lance.traceHash).toBe(model.traceHash);
    expect(onModel.value).toEqual(onLance.value);
  } finally {
    if (backend) await rm(backend.root, { recursive: true, force: true });
  }
});

test("the simulator's Lance factory: a fresh directory per universe, removed when the universe ends unless kept, and never in the trace", async () => {
  const parent = mkdtempSync(join(tmpdir(), "omnisim-lance-test-"));
  try {
    const spec = (seen: { value?: unknown }) => insertsThenRead(seen);
    const removed = await runUniverse({ seed: 1, fixes: PROFILES.seed, backend: lanceBackendFactory({ dir: parent }), spec: spec({}) });
    const dir = backendDirectory(removed.world.backend)!;
    expect(dir.startsWith(parent)).toBe(true);
    expect(existsSync(dir)).toBe(false);
    expect(removed.world.backend.root).toBe(LOGICAL_ROOT);
    const kept = await runUniverse({ seed: 1, fixes: PROFILES.seed, backend: backendByName("lance", { dir: parent, keep: true }), spec: spec({}) });
    const keptDir = backendDirectory(kept.world.backend)!;
    expect(keptDir).not.toBe(dir);
    expect(existsSync(join(keptDir, "__manifest.lance"))).toBe(true);
    expect(kept.trace.jsonl().some((line) => line.includes(parent))).toBe(false);
    expect(kept.traceHash).toBe(removed.traceHash);
    const model = await runUniverse({ seed: 1, fixes: PROFILES.seed, backend: backendByName("virtual"), spec: spec({}) });
    expect(model.traceHash).toBe(kept.traceHash);
    expect(backendDirectory(model.world.backend)).toBeNull();
    expect(model.world.backend.root).toBe(LOGICAL_ROOT);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});

test("backend names: `virtual` takes no directory options", () => {
  expect(isBackendName("lance") && isBackendName("virtual") && !isBackendName("mem")).toBe(true);
  expect(() => backendByName("virtual", { keep: true })).toThrow(/--backend lance/);
  expect(() => backendByName("virtual", { dir: "x" })).toThrow(/--backend lance/);
});

test("a universe whose director throws still removes its directory", async () => {
  let made: Backend | undefined;
  const factory = lanceBackendFactory();
  const result = await runUniverse({
    seed: 1,
    fixes: PROFILES.seed,
    backend: (seeds) => (made = factory(seeds)),
    spec: {
      name: "throws",
      async direct(w) {
        await w.storage.objects.put("k", "v");
        throw new Error("scripted failure");
      },
    },
  });
  expect(result.verdict).toBe("fail");
  expect(existsSync(backendDirectory(made!)!)).toBe(false);
});
