// The oracles over a whole universe's final state, each red on its planted defect: fail closed
// (a manifest the oracles' own reader cannot decode, a sidecar that is not JSON), a final open
// that fails, a graph that was never initialized, a leaked lease (the restart measures its wait,
// and a writer waiting on it mid-run is seen), and a schema that disagrees with the data.
import { expect, test } from "vitest";
import { PROFILES, type Fixes } from "../../engine/fixes.ts";
import { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { branchLeaseResource, tryAcquireLease } from "../../engine/lease/lease.ts";
import { Snapshot } from "../../engine/manifest/snapshot.ts";
import { versionObjectId } from "../../engine/manifest/layout.ts";
import { OmniError } from "../../engine/errors.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import type { Version } from "../../engine/storage/types.ts";
import { History, NO_EFFECT } from "../../sim/oracles/history.ts";
import { judge } from "../../sim/oracles/judge.ts";
import { recoverAndCheckLiveness } from "../../sim/oracles/liveness.ts";
import { runUniverse } from "../../sim/universe.ts";
import type { World } from "../../sim/world.ts";
import { PERSON_PROBE } from "../../scenarios/kit/probe.ts";
import { CARD_SCHEMA } from "../../scenarios/kit/schemas.ts";

/** A universe: the director inits (unless told not to), plants, then liveness and the judge run. */
async function planted(plant: (world: World, history: History) => Promise<void>, options: { fixes?: Fixes; init?: boolean; after?: (world: World) => Promise<void> } = {}) {
  const r = await runUniverse({
    seed: 1,
    fixes: options.fixes ?? PROFILES.seed,
    spec: {
      name: "planted/final-state",
      async direct(world) {
        const history = new History(world);
        const env = world.env(world.process("setup"));
        if (options.init ?? true) await history.run("init setup", "open", NO_EFFECT, {}, () => Omnigraph.init(env, CARD_SCHEMA, { name: "setup" }));
        await plant(world, history);
        await recoverAndCheckLiveness(world, history, PERSON_PROBE);
        await options.after?.(world);
        await judge(world, history);
      },
    },
  });
  return r.violations.map((v) => v.kind);
}

async function plantedResult(plant: (world: World, history: History) => Promise<void>, fixes: Fixes) {
  let out: readonly { kind: string; op?: { label: string } }[] = [];
  await planted(plant, { fixes, after: async (world) => void (out = world.violations) });
  return out.slice();
}

test("a clean universe passes every oracle", async () => {
  expect(await planted(async () => {})).toEqual([]);
  expect(await planted(async () => {}, { fixes: PROFILES.fixed })).toEqual([]);
});

test("fail closed: a manifest row the oracles' reader cannot decode is a violation, though the engine's reader skips it", async () => {
  const kinds = await planted(async (world) => {
    // A version row for a table with no registration: the engine's snapshot skips it silently.
    const head = await world.storage.manifest.latestVersion(null);
    await world.storage.manifest.merge(null, head, [{ objectId: versionObjectId("node:Ghost", 1 as Version), objectType: "table_version", tableKey: "node:Ghost", tableVersion: 1 as Version }]);
  });
  expect(kinds).toEqual(["final-state-unreadable", "final-state-unreadable"]);
});

test("fail closed: pins come from the oracles' own reader, not the engine's", async () => {
  const original = Snapshot.fromManifest;
  // Planted in the engine: its manifest reader loses node:Person. The drift the planted commit
  // leaves is still found, because the liveness oracle decodes the pins itself.
  Snapshot.fromManifest = (m) => {
    const s = original(m);
    return new Snapshot(s.version, s.branch, new Map(s.tables().filter((e) => e.tableKey !== "node:Person").map((e) => [e.tableKey, e])), s.headToken);
  };
  try {
    const kinds = await planted(async (world) => {
      await world.storage.datasets.commit(tablePathForTableKey("node:Person"), null, 1 as Version, { op: "Append", rows: [{ id: "ghost" }] });
    });
    expect(kinds).toContain("drift-after-recovery");
  } finally {
    Snapshot.fromManifest = original;
  }
});

test("fail closed: a sidecar that is not JSON fails the final open (it must succeed) and leaves the state unreadable", async () => {
  const kinds = await planted(async (world) => {
    await world.storage.objects.put("__recovery/01BAD.json", "{ not json");
  });
  expect(kinds).toEqual(["open-failed", "final-state-unreadable"]);
});

test("a graph never initialized: an empty root is the right final state; the open's failure is judged by its kind", async () => {
  const kinds = await planted(
    async (world, history) => {
      await history.attempt("init never", "open", NO_EFFECT, { allow: ["InjectedFailure"] }, () => Promise.reject(new OmniError("InjectedFailure", { failpoint: "planted" } as never, "planted")));
      void world;
    },
    { init: false },
  );
  // No final-state-unreadable; the open's raw storage error is still a violation (the engine has
  // no typed "not initialized" error yet).
  expect(kinds).toEqual(["open-failed"]);
});

/** Takes the branch lease in a process of its own and ends without giving it back. */
async function leakLease(world: World): Promise<void> {
  const leaker = world.process("leaker");
  const env = world.env(leaker);
  await world.join(world.spawn(leaker, "leaker", () => tryAcquireLease(env, branchLeaseResource(null), "leaker/1")));
}

test("progress: a lease its holder left behind makes the restart wait (measured, not slept past)", async () => {
  const r = await plantedResult(leakLease, PROFILES.fixed);
  expect(r.map((v) => `${v.kind}: ${v.op?.label ?? "restart"}`)).toEqual(["progress-blocked: restart"]);
});

test("progress: a writer waiting mid-run on a lease its holder left behind is seen", async () => {
  const r = await plantedResult(async (world, history) => {
    await leakLease(world);
    const proc = world.process("writer");
    const env = world.env(proc);
    const w = world.spawn(proc, "writer", async () => {
      const g = await Omnigraph.open(env, { name: "writer" });
      await history.attempt("writer: insert", "mutate", NO_EFFECT, {}, () => g.mutate([{ kind: "insertNode", type: "Person", props: { name: "W" } }]));
    });
    await world.join(w);
  }, PROFILES.fixed);
  // The writer waited the lease out, so the restart found it free.
  expect(r.map((v) => `${v.kind}: ${v.op?.label ?? "restart"}`)).toEqual(["progress-blocked: writer: insert"]);
});

test("schema-agrees-with-data: a staging copy left behind, and a column the schema does not declare, are red", async () => {
  const kinds = await planted(async () => {}, {
    after: async (world) => {
      const raw = world.backend.storage;
      await raw.objects.put("_schema.pg.staging", CARD_SCHEMA);
      const path = tablePathForTableKey("node:Person");
      const head = await raw.datasets.latestVersion(path, null);
      const v = (await raw.datasets.commit(path, null, head, { op: "Append", rows: [{ id: "X", nickname: "x" }] })).version;
      const m = await raw.manifest.latestVersion(null);
      await raw.manifest.merge(null, m, [{ objectId: versionObjectId("node:Person", v), objectType: "table_version", tableKey: "node:Person", tableVersion: v, tableBranch: null, rowCount: 2 }]);
    },
  });
  expect(kinds).toEqual(["schema-files-disagree", "schema-data-mismatch"]);
});
