// The branch oracles read every live branch's manifests with the oracles' own reader
// (sim/oracles/reader.ts), never the engine's Snapshot: a branch manifest row that reader cannot
// decode is unreadable state (fail closed), and a defect planted in the engine's manifest reader
// does not blind the branch oracles.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { versionObjectId } from "../../engine/manifest/layout.ts";
import { Snapshot } from "../../engine/manifest/snapshot.ts";
import type { DatasetPath, Version } from "../../engine/storage/types.ts";
import { History, NO_EFFECT } from "../../sim/oracles/history.ts";
import { judge } from "../../sim/oracles/judge.ts";
import { runUniverse } from "../../sim/universe.ts";
import type { World } from "../../sim/world.ts";
import { mutationEffect } from "../../scenarios/kit/effects.ts";
import { CARD_SCHEMA } from "../../scenarios/kit/schemas.ts";
import { person } from "../../scenarios/kit/setup.ts";

/** A universe: init, Alice inserted and acknowledged on branch b0, then `plant`, then the judge. */
async function onBranch(plant: (world: World, db: Omnigraph) => Promise<void>) {
  const r = await runUniverse({
    seed: 1,
    fixes: PROFILES.fixed,
    spec: {
      name: "planted/branch-reader",
      async direct(world) {
        const history = new History(world);
        const env = world.env(world.process("setup"));
        const db = await history.run("init setup", "open", NO_EFFECT, {}, () => Omnigraph.init(env, CARD_SCHEMA, { name: "setup" }));
        await history.run("branch create b0", "branchCreate", NO_EFFECT, {}, () => db.branchCreate("b0"));
        const ops = [person("Alice")];
        await history.run("insert Alice on b0", "mutate", { ...mutationEffect(ops), branch: "b0" }, {}, () => db.mutate(ops, null, { branch: "b0" }));
        await plant(world, db);
        await judge(world, history);
      },
    },
  });
  return r.violations.map((v) => v.kind);
}

test("a clean branch universe passes every oracle", async () => {
  expect(await onBranch(async () => {})).toEqual([]);
});

test("fail closed: a branch manifest row the oracles' reader cannot decode is unreadable state, though the engine's reader skips it", async () => {
  const kinds = await onBranch(async (world) => {
    // A version row for a table with no registration, on b0's manifest: the engine's snapshot skips it.
    const head = await world.storage.manifest.latestVersion("b0");
    await world.storage.manifest.merge("b0", head, [{ objectId: versionObjectId("node:Ghost", 1 as Version), objectType: "table_version", tableKey: "node:Ghost", tableVersion: 1 as Version }]);
  });
  expect(kinds).toContain("final-state-unreadable");
});

test("branch pins come from the oracles' own reader: a defect in the engine's manifest reader does not hide a lost write on a branch", async () => {
  const original = Snapshot.fromManifest;
  try {
    const kinds = await onBranch(async (world) => {
      // Planted in storage: Alice's row deleted from b0's fork, published on b0's manifest as a
      // new version of the fork (nobody's operation); planted in the engine: its manifest reader
      // loses node:Person from every snapshot, so a judge reading through it would see no table.
      const b0 = await world.storage.manifest.load("b0");
      const row = b0.rows.filter((r) => r.objectType === "table_version" && r.tableKey === "node:Person").sort((a, b) => b.tableVersion! - a.tableVersion!)[0]!;
      const path = b0.rows.find((r) => r.objectType === "table" && r.tableKey === "node:Person")!.location!;
      const committed = await world.storage.datasets.commit(path as DatasetPath, row.tableBranch ?? null, row.tableVersion!, { op: "Delete", where: { anyOf: [{ column: "id", in: ["Alice"] }] } });
      await world.storage.manifest.merge("b0", b0.version, [{ ...row, objectId: versionObjectId("node:Person", committed.version), tableVersion: committed.version, rowCount: 0 }]);
      Snapshot.fromManifest = (m) => {
        const s = original(m);
        return new Snapshot(s.version, s.branch, new Map(s.tables().filter((e) => e.tableKey !== "node:Person").map((e) => [e.tableKey, e])), s.headToken);
      };
    });
    expect(kinds).toContain("acked-write-lost");
  } finally {
    Snapshot.fromManifest = original;
  }
});
