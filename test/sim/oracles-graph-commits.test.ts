// publishes-recorded, red on its planted defect: an operation that returned ok with a publish
// (a manifest version that moved a pin) the commit graph never recorded.
import { expect, test } from "vitest";
import { GRAPH_COMMITS } from "../../engine/manifest/layout.ts";
import type { Actor } from "../../sim/scheduler.ts";
import { publishesRecorded } from "../../sim/oracles/graph-commits.ts";
import { VirtualStore } from "../../sim/store/virtual-store.ts";
import { ctx, manifest, op } from "./oracle-fixtures.ts";

const commit = (id: string, manifestVersion: number, branch: string | null = null) => ({ id, manifest_branch: branch, manifest_version: manifestVersion });

async function commitGraph(...rows: ReturnType<typeof commit>[]): Promise<VirtualStore> {
  const raw = new VirtualStore();
  await raw.datasets.create(GRAPH_COMMITS, rows);
  return raw;
}

const optimize = (status: "ok" | "err") => op({ label: "optimize", kind: "optimize", actor: { name: "optimizer", status: "done" } as Actor, start: 2, end: 9, status });
// v1 from setup; v2 a lease merge by the optimizer (no pin moves); v3 its publish of Person at 3.
const manifests = [manifest(1, 0, "setup", { "node:Person": 2 }), manifest(2, 3, "optimizer", { "node:Person": 2 }), manifest(3, 5, "optimizer", { "node:Person": 3 })];

test("publishes-recorded: an acknowledged operation's publish with no graph commit is red", async () => {
  const recorded = await commitGraph(commit("c1", 1), commit("c3", 3));
  expect(await publishesRecorded(ctx({ ops: [optimize("ok")], manifests, raw: recorded }))).toEqual([]);
  // Planted: the graph commit of v3 was never appended, and the optimize still returned ok.
  const missing = await commitGraph(commit("c1", 1));
  const red = await publishesRecorded(ctx({ ops: [optimize("ok")], manifests, raw: missing }));
  expect(red.map((v) => `${v.kind} ${v.op?.kind} ${(v.details as { manifestVersion: number }).manifestVersion}`)).toEqual(["publish-unrecorded optimize 3"]);
  // A commit on a branch's history does not record main's version.
  expect((await publishesRecorded(ctx({ ops: [optimize("ok")], manifests, raw: await commitGraph(commit("c1", 1), commit("c3", 3, "b0")) }))).length).toBe(1);
});

test("publishes-recorded: a failed operation may leave the gap (recovery records its own commit)", async () => {
  const missing = await commitGraph(commit("c1", 1));
  expect(await publishesRecorded(ctx({ ops: [optimize("err")], manifests, raw: missing }))).toEqual([]);
});
