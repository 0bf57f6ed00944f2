// maintenance-published, red on its planted defect: an optimize acknowledged with a compaction of
// its own left above the table's pin.
import { expect, test } from "vitest";
import { maintenancePublished } from "../../sim/oracles/maintenance-published.ts";
import type { Actor } from "../../sim/scheduler.ts";
import type { TraceEvent } from "../../sim/trace.ts";
import { ctx, manifest, op } from "./oracle-fixtures.ts";

const PATH = "nodes/node:Person";
const compact = (actor: string, version: number, branch: string | null = null): TraceEvent => ({
  e: "io",
  actor,
  op: "datasets.commit",
  args: { path: PATH, branch, readVersion: version - 1, delta: { op: "Rewrite" } },
  ok: { version },
});
const pad: TraceEvent = { e: "choose", label: "pad", n: 1, v: 0 };
const spawn = (actor: string): TraceEvent => ({ e: "spawn", actor, proc: "p" });
const optimize = (end: number, status: "ok" | "err" = "ok") => op({ label: "optimize", kind: "optimize", actor: { name: "optimizer", status: "done" } as Actor, start: 0, end, status });

test("maintenance-published: an acknowledged optimize whose own compaction is above the pin is red", () => {
  // The optimize's worker compacts Person to v3 and the publish (at 3) moves the pin there.
  const events = [spawn("optimizer"), spawn("optimize table 1"), compact("optimize table 1", 3), pad, pad];
  const published = [manifest(1, 0, "s", { "node:Person": 2 }), manifest(2, 3, "optimize table 1", { "node:Person": 3 })];
  expect(maintenancePublished(ctx({ ops: [optimize(5)], events, manifests: published }))).toEqual([]);
  // Planted: the publish stopped one short; optimize still returned ok.
  const short = [manifest(1, 0, "s", { "node:Person": 2 })];
  const red = maintenancePublished(ctx({ ops: [optimize(5)], events, manifests: short }));
  expect(red.map((v) => `${v.kind} ${v.table}`)).toEqual(["maintenance-unpublished node:Person"]);
  // A publish after the optimize returned does not excuse it.
  expect(maintenancePublished(ctx({ ops: [optimize(5)], events, manifests: [...short, manifest(2, 7, "other", { "node:Person": 3 })] })).length).toBe(1);
});

test("maintenance-published: a failed optimize, another process's commit, or a branch commit is not judged", () => {
  const short = [manifest(1, 0, "s", { "node:Person": 2 })];
  expect(maintenancePublished(ctx({ ops: [optimize(5, "err")], events: [spawn("optimizer"), compact("optimizer", 3)], manifests: short }))).toEqual([]);
  const elsewhere: TraceEvent[] = [spawn("optimizer"), { e: "spawn", actor: "writer", proc: "q" }, compact("writer", 3)];
  expect(maintenancePublished(ctx({ ops: [optimize(5)], events: elsewhere, manifests: short }))).toEqual([]);
  expect(maintenancePublished(ctx({ ops: [optimize(5)], events: [spawn("optimizer"), compact("optimizer", 3, "b1")], manifests: short }))).toEqual([]);
});
