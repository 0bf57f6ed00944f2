// Every catalog failpoint the engine references (an `FP.NAME` in engine/**/*.ts) must be
// reached by an engine test: a failpoint on a path no test exercises is a boundary nobody can
// script. A compact tour of universes walks every such path and collects the names hit.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { FP, SEED_FAILPOINTS, type FailpointName } from "../../failpoints/catalog.ts";
import { PROFILES } from "../../engine/fixes.ts";
import { byId } from "../../engine/write/ops.ts";
import type { World } from "../../sim/world.ts";
import { CARDINALITY_SCHEMA, inWorld } from "./helpers.ts";
import { initAndLoad, leaveFinalizeResidual } from "./scripts.ts";
import { auditRows, person, PERSON, plantSidecar, sidecarKeys, startProcess } from "./support.ts";
import { initAndLoadTest, insertPerson, setAge } from "./upstream.ts";

const ENGINE_DIR = join(import.meta.dirname, "../../engine");

function engineSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return engineSources(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** Catalog names used as `FP.NAME` anywhere under engine/. */
function referencedFailpoints(): Map<FailpointName, string> {
  const out = new Map<FailpointName, string>();
  for (const file of engineSources(ENGINE_DIR)) {
    for (const m of readFileSync(file, "utf8").matchAll(/\bFP\.([A-Z0-9_]+)\b/g)) {
      const constant = m[1]! as keyof typeof FP;
      expect(FP, `${file} references FP.${constant}, which the catalog lacks`).toHaveProperty(constant);
      out.set(FP[constant], `FP.${constant}`);
    }
  }
  return out;
}

/** Writes, deletes, loads, schema apply, ensureIndices and optimize on the happy path. */
async function writeTour(w: World): Promise<void> {
  const g = await initAndLoad(w);
  await g.mutate([person("Eve", 22)]);
  await g.mutate([{ kind: "deleteNode", type: "Person", where: byId("Eve") }]);
  await g.applySchema(CARDINALITY_SCHEMA.replace("  age: I32?", ""), { allowDataLoss: true });
  await g.ensureIndices();
  for (const name of ["p1", "p2"]) await g.mutate([person(name)]);
  await g.optimize();
}

/** A residual rolled forward, and a sidecar whose branch is gone. */
async function recoveryTour(w: World): Promise<void> {
  const g = await startProcess(w, "init").init();
  await leaveFinalizeResidual(w, g);
  await plantSidecar(w, { operationId: "01H0000000000000000000GONE", kind: "Mutation", tableKey: PERSON, expected: 1, post: 2, branch: "gone" });
  await startProcess(w, "reopen").open();
  expect(await sidecarKeys(w)).toEqual([]);
  expect((await auditRows(w)).map((r) => r.recovery_kind).sort()).toEqual(["OrphanedBranchDiscarded", "RolledForward"]);
}

/**
 * Branches: a first write forks (and a second touch of the table in the same write reforks,
 * reclaiming its own fork: the classify and reclaim points); a fast-forward with a delta, a
 * three-way merge; a delete whose table cleanup fails leaves an orphan fork for `cleanup`.
 */
async function branchTour(w: World): Promise<void> {
  const main = await initAndLoadTest(w);
  await main.branchCreate("feature");
  await main.mutate([insertPerson("Eve", 22), insertPerson("Fay", 23)], null, { branch: "feature" });
  await main.mutate([setAge("Bob", 26)], null, { branch: "feature" });
  expect(await main.branchMerge("feature", "main")).toBe("FastForward");
  await main.branchCreate("side");
  await main.mutate([setAge("Alice", 31)]);
  await main.mutate([insertPerson("Gil", 24)], null, { branch: "side" });
  expect(await main.branchMerge("side", "main")).toBe("Merged");
  w.failpoints.set(FP.BRANCH_DELETE_BEFORE_TABLE_CLEANUP, { kind: "error" });
  await main.branchDelete("side");
  w.failpoints.disarmAll();
  const stats = await main.cleanup({ keepVersions: 1 });
  expect(stats.reclaimed).toEqual([["node:Person", "side"]]);
}

test("every seed failpoint has a call site in the engine", () => {
  const referenced = referencedFailpoints();
  const missing = Object.entries(SEED_FAILPOINTS)
    .filter(([, name]) => !referenced.has(name))
    .map(([constant]) => `FP.${constant}`);
  expect(missing, "seed failpoints with no call site under engine/").toEqual([]);
});

test("every failpoint the engine references is reached by the tour", async () => {
  const referenced = referencedFailpoints();
  expect(referenced.size).toBeGreaterThan(35);
  const hit = new Set<string>();
  // The seed's paths, and an init with #502's claim (its table Creates pass
  // `init.table_create_ack_lost`, a point #502 added, so only on profiles with fix502).
  const tours: [(w: World) => Promise<void>, keyof typeof PROFILES][] = [
    [writeTour, "seed"],
    [recoveryTour, "seed"],
    [branchTour, "seed"],
    [async (w) => void (await startProcess(w, "init").init()), "upstream"],
  ];
  for (const [tour, profile] of tours) {
    const result = await inWorld(tour, { fixes: PROFILES[profile] });
    for (const name of result.failpointsHit) hit.add(name);
  }
  const missed = [...referenced].filter(([name]) => !hit.has(name)).map(([, constant]) => constant);
  expect(missed, "referenced by engine/ but never reached").toEqual([]);
});
