// Schema apply failing at each of its failpoints, then the next read-write open recovering
// (upstream tests/failpoints.rs, seed profile). Upstream injects "return" and drops the
// handle; here the failpoint errors and a new process opens the graph.
import { expect, test } from "vitest";
import { FP, type FailpointName } from "../../failpoints/catalog.ts";
import type { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { SCHEMA_APPLY_LOCK_BRANCH } from "../../engine/manifest/layout.ts";
import { SCHEMA_CONTRACT_STAGING_FILES, SCHEMA_IR_FILE, SCHEMA_SOURCE_FILE, SCHEMA_STATE_FILE, stagingName } from "../../engine/schema/contract.ts";
import type { World } from "../../sim/world.ts";
import { CARDINALITY_SCHEMA, inWorld } from "./helpers.ts";
import {
  assertRecovered,
  failsAt,
  manifest,
  onlySidecar,
  person,
  PERSON,
  pinsAndHeads,
  published,
  publishedIds,
  sidecarKeys,
  startProcess,
} from "./support.ts";

const SCHEMA_V1 = "node Person { name: String @key }\n";
const SCHEMA_V2_ADDED_TYPE = "node Person { name: String @key }\nnode Company { name: String @key }\n";
/** Person gains `city` (a rewritten table) and `Tag` is added (a registration). */
const SCHEMA_V2_REWRITE = CARDINALITY_SCHEMA.replace("age: I32? }", "age: I32?  city: String? }") + "\nnode Tag { label: String @key }\n";
const TAG = "node:Tag" as const;

async function stagingFiles(w: World): Promise<string[]> {
  const out: string[] = [];
  for (const f of SCHEMA_CONTRACT_STAGING_FILES) if (await w.storage.objects.exists(f)) out.push(f);
  return out;
}

/** Applies `desired` with `failpoint` armed to error. */
async function failApply(w: World, g: Omnigraph, desired: string, failpoint: FailpointName): Promise<void> {
  await failsAt(w, failpoint, () => g.applySchema(desired));
  // The lock branch is released on every failure path.
  expect(await w.storage.manifest.listBranches()).toEqual([]);
}

async function aliceLoaded(w: World): Promise<Omnigraph> {
  const g = await startProcess(w, "app").init();
  await g.load({ mode: "Append", nodes: { Person: [{ name: "alice", age: 30 }] } });
  expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [4, 4] });
  return g;
}

// Mirrors failpoints.rs::schema_apply_pre_commit_crash_rolls_forward_via_sidecar.
test("after_staging_write: the open promotes the staging files and registers the added type", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "app").init(SCHEMA_V1);
    await failApply(w, g, SCHEMA_V2_ADDED_TYPE, FP.SCHEMA_APPLY_AFTER_STAGING_WRITE);
    const sidecar = await onlySidecar(w);
    expect(sidecar).toMatchObject({ writer_kind: "SchemaApply", tables: [], tombstones: [] });
    expect(sidecar.additional_registrations.map((r) => r.table_key)).toEqual(["node:Company"]);
    expect(await stagingFiles(w)).toEqual(SCHEMA_CONTRACT_STAGING_FILES);
    expect((await manifest(w)).entry("node:Company")).toBeUndefined();

    const reopened = await startProcess(w, "reopen").open();
    expect(reopened.handle.schemaSource).toBe(SCHEMA_V2_ADDED_TYPE);
    expect(await stagingFiles(w)).toEqual([]);
    expect((await manifest(w)).entry("node:Company")).toMatchObject({ version: 1, rowCount: 0 });
    expect(await reopened.read("node", "Company")).toEqual([]);
    const audit = await assertRecovered(w, sidecar.operation_id, "RolledForward", []);
    expect(audit.outcomes).toEqual([{ table_key: "node:Company", from_version: 0, to_version: 1 }]);
  });
});

// Mirrors failpoints.rs::schema_apply_recovers_post_commit_crash.
test("after_manifest_commit: the open completes the renames of a published apply", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "app").init(SCHEMA_V1);
    await failApply(w, g, SCHEMA_V2_ADDED_TYPE, FP.SCHEMA_APPLY_AFTER_MANIFEST_COMMIT);
    // Published, but the staging files were never renamed and the sidecar never deleted.
    expect((await manifest(w)).entry("node:Company")).toMatchObject({ version: 1 });
    expect(await w.storage.objects.get(SCHEMA_SOURCE_FILE)).toBe(SCHEMA_V1);
    const sidecar = await onlySidecar(w);

    const reopened = await startProcess(w, "reopen").open();
    expect(reopened.handle.schemaSource).toBe(SCHEMA_V2_ADDED_TYPE);
    expect(await stagingFiles(w)).toEqual([]);
    expect(await sidecarKeys(w)).toEqual([]);
    const audit = await assertRecovered(w, sidecar.operation_id, "RolledForward", []);
    expect(audit.outcomes).toEqual([{ table_key: "node:Company", from_version: 0, to_version: 1 }]);
  });
});

// Mirrors failpoints.rs::schema_apply_recovers_partial_rename.
test("a partial rename (_schema.pg renamed, ir and state still staged) is completed on open", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "app").init(SCHEMA_V1);
    await g.applySchema(SCHEMA_V2_ADDED_TYPE);
    for (const f of [SCHEMA_IR_FILE, SCHEMA_STATE_FILE] as const) await w.storage.objects.put(stagingName(f), await w.storage.objects.get(f));
    expect(await stagingFiles(w)).toEqual([stagingName(SCHEMA_IR_FILE), stagingName(SCHEMA_STATE_FILE)]);

    const reopened = await startProcess(w, "reopen").open();
    expect(reopened.handle.schemaSource).toBe(SCHEMA_V2_ADDED_TYPE);
    expect(await stagingFiles(w)).toEqual([]);
    expect(await sidecarKeys(w)).toEqual([]);
  });
});

// Mirrors failpoints.rs::schema_apply_phase_b_failure_recovered_on_next_open.
test("after_staging_write with a rewritten table: the open rolls the rewrite forward under the new schema", async () => {
  await inWorld(async (w) => {
    const g = await aliceLoaded(w);
    const before = (await manifest(w)).version;
    await failApply(w, g, SCHEMA_V2_REWRITE, FP.SCHEMA_APPLY_AFTER_STAGING_WRITE);
    const sidecar = await onlySidecar(w);
    expect(sidecar.tables.map((t) => [t.table_key, t.expected_version, t.post_commit_pin])).toEqual([[PERSON, 4, 5]]);
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [4, 5] });

    const reopened = await startProcess(w, "reopen").open();
    expect((await manifest(w)).version).toBeGreaterThan(before);
    const audit = await assertRecovered(w, sidecar.operation_id, "RolledForward", [PERSON]);
    expect(audit.outcomes).toEqual([
      { table_key: PERSON, from_version: 4, to_version: 5 },
      { table_key: TAG, from_version: 0, to_version: 1 },
    ]);
    expect(reopened.handle.schemaSource).toBe(SCHEMA_V2_REWRITE);
    expect(await w.storage.objects.get(SCHEMA_SOURCE_FILE)).toContain("city: String?");
    expect(await w.storage.objects.get(SCHEMA_SOURCE_FILE)).toContain("node Tag");
    expect((await manifest(w)).entry(TAG)).toMatchObject({ version: 1, rowCount: 0 });
    expect(await published(w, PERSON, "age", "city")).toEqual([{ id: "alice", age: 30, city: null }]);
  });
});

// Mirrors failpoints.rs::schema_apply_without_schema_staging_rolls_back_on_next_open.
test("before_staging_write: with no staging files the open rolls the apply back to the old schema", async () => {
  await inWorld(async (w) => {
    const g = await aliceLoaded(w);
    const before = (await manifest(w)).version;
    await failApply(w, g, SCHEMA_V2_REWRITE, FP.SCHEMA_APPLY_BEFORE_STAGING_WRITE);
    const sidecar = await onlySidecar(w);
    expect(await stagingFiles(w)).toEqual([]);

    const reopened = await startProcess(w, "reopen").open();
    // The rollback restored Person (v6) and published it: the manifest advances, to old content.
    expect((await manifest(w)).version).toBeGreaterThan(before);
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [6, 6] });
    const audit = await assertRecovered(w, sidecar.operation_id, "RolledBack", [PERSON]);
    expect(audit.outcomes).toEqual([{ table_key: PERSON, from_version: 5, to_version: 4 }]);
    expect(await publishedIds(w, PERSON)).toEqual(["alice"]);
    expect((await manifest(w)).entry(TAG)).toBeUndefined();
    const live = await w.storage.objects.get(SCHEMA_SOURCE_FILE);
    expect(live).toBe(CARDINALITY_SCHEMA);
    expect(reopened.handle.schemaSource).toBe(CARDINALITY_SCHEMA);
  });
});

// Mirrors failpoints.rs::branch_create_rolls_back_manifest_on_commit_graph_failure, for the
// branch schema apply creates as its lock.
test("a failure right after the lock branch is created rolls the branch back, so writes are not blocked", async () => {
  await inWorld(async (w) => {
    const g = await aliceLoaded(w);
    await failApply(w, g, SCHEMA_V2_REWRITE, FP.BRANCH_CREATE_AFTER_MANIFEST_BRANCH_CREATE);
    expect(await w.storage.manifest.listBranches()).not.toContain(SCHEMA_APPLY_LOCK_BRANCH);
    expect(await sidecarKeys(w)).toEqual([]);
    await g.mutate([person("bob", 25)]);
    expect((await g.applySchema(SCHEMA_V2_REWRITE)).applied).toBe(true);
    expect(await publishedIds(w, PERSON)).toEqual(["alice", "bob"]);
  });
});
