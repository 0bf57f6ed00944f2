// Upstream tests/recovery.rs: the open-time recovery sweep on planted sidecars (roll forward,
// roll back, audit rows and their actors, corrupt and too-new sidecars) and the clean paths
// that must leave no sidecar. More of recovery.rs is in open-sweep.test.ts.
import { expect, test } from "vitest";
import { RECOVERY_ACTOR } from "../../engine/manifest/commit-graph.ts";
import { RECOVERY_DIR } from "../../engine/manifest/layout.ts";
import { SCHEMA_SOURCE_FILE } from "../../engine/schema/contract.ts";
import type { World } from "../../sim/world.ts";
import { inWorld } from "./helpers.ts";
import { assertRecovered, auditRows, COMPANY, driftHead, head, PERSON, plantSidecar, rejects, sidecarKeys, startProcess } from "./support.ts";
import { commitActors, jsonl, TEST_SCHEMA } from "./upstream.ts";

const ALICE_AND_ACME = jsonl("Append", { nodes: { Person: [{ name: "alice", age: 30 }], Company: [{ name: "acme" }] } });

/** Graph commits written by recovery (`count_recovery_actor_commits`). */
async function recoveryActorCommits(w: World): Promise<number> {
  return [...(await commitActors(w)).values()].filter((actor) => actor === RECOVERY_ACTOR).length;
}

// Mirrors recovery.rs::read_only_open_skips_schema_state_recovery.
test("a read-only open leaves a schema staging file alone", async () => {
  await inWorld(async (w) => {
    await startProcess(w, "init").init(TEST_SCHEMA);
    const staging = `${SCHEMA_SOURCE_FILE}.staging`;
    await w.storage.objects.put(staging, "node Person { name: String @key }\n");
    await startProcess(w, "ro").open({ readOnly: true });
    expect(await w.storage.objects.get(staging)).toBe("node Person { name: String @key }\n");
  });
});

// Mirrors recovery.rs::recovery_does_not_run_on_clean_open.
test("a clean open writes nothing under __recovery/", async () => {
  await inWorld(async (w) => {
    await startProcess(w, "init").init(TEST_SCHEMA);
    await startProcess(w, "open").open();
    expect(await w.storage.objects.list(RECOVERY_DIR)).toEqual([]);
    expect(await auditRows(w)).toEqual([]);
  });
});

// Mirrors recovery.rs::recovery_ensure_indices_handles_empty_tables.
test("ensureIndices on an all-empty graph leaves no sidecar, twice", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await g.ensureIndices();
    expect(await sidecarKeys(w)).toEqual([]);
    await (await startProcess(w, "reopen").open()).ensureIndices();
    expect(await sidecarKeys(w)).toEqual([]);
  });
});

// Mirrors recovery.rs::recovery_ensure_indices_steady_state_no_sidecar.
test("ensureIndices with nothing left to build leaves no sidecar", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await g.load(ALICE_AND_ACME);
    await g.ensureIndices();
    await (await startProcess(w, "reopen").open()).ensureIndices();
    expect(await sidecarKeys(w)).toEqual([]);
  });
});

// Mirrors recovery.rs::recovery_processes_multiple_sidecars_with_fresh_snapshot_per_iter.
test("two sidecars on two tables are both recovered and audited by one open", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await g.load(ALICE_AND_ACME);
    const [personPre, companyPre] = [await head(w, PERSON), await head(w, COMPANY)];
    const [personPost, companyPost] = [await driftHead(w, PERSON), await driftHead(w, COMPANY)];
    await plantSidecar(w, { operationId: "01H0000000000000000000AAAA", kind: "EnsureIndices", tableKey: PERSON, expected: personPre, post: personPost, actor: "act-a" });
    await plantSidecar(w, { operationId: "01H0000000000000000000BBBB", kind: "EnsureIndices", tableKey: COMPANY, expected: companyPre, post: companyPost, actor: "act-b" });
    await startProcess(w, "reopen").open();
    expect(await sidecarKeys(w)).toEqual([]);
    expect(await auditRows(w)).toHaveLength(2);
  });
});

// Mirrors recovery.rs::recovery_refuses_corrupt_sidecar_on_open_and_write.
test("a corrupt sidecar fails a write and a read-write open, stays on disk, and a read-only open works", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    const key = `${RECOVERY_DIR}01H000000000000000000000CC.json`;
    await w.storage.objects.put(key, "{not json");
    const onWrite = await rejects(g.load(jsonl("Merge", { nodes: { Person: [{ name: "Alice", age: 30 }] } })), "SidecarSchema");
    expect(onWrite.details.reason).toContain("not valid JSON");
    const onOpen = await rejects(startProcess(w, "reopen").open(), "SidecarSchema");
    expect(onOpen.details.key).toBe(key);
    expect(onOpen.message).toContain("01H000000000000000000000CC");
    expect(await sidecarKeys(w)).toEqual([key]);
    await startProcess(w, "ro").open({ readOnly: true });
  });
});

// Mirrors recovery.rs::recovery_refuses_unknown_schema_version_on_open.
test("a sidecar of a newer schema_version fails the open and stays on disk", async () => {
  await inWorld(async (w) => {
    await startProcess(w, "init").init(TEST_SCHEMA);
    const key = `${RECOVERY_DIR}01H000000000000000000000ZZ.json`;
    await w.storage.objects.put(
      key,
      JSON.stringify({ schema_version: 99, operation_id: "01H000000000000000000000ZZ", started_at: "0", branch: null, actor_id: null, writer_kind: "Mutation", tables: [] }),
    );
    const e = await rejects(startProcess(w, "reopen").open(), "SidecarSchema");
    expect(e.details.reason).toContain("schema_version 99 is newer than the supported");
    expect(await sidecarKeys(w)).toEqual([key]);
  });
});

// Mirrors recovery.rs::recovery_rolls_back_records_audit_row_with_recovery_actor.
test("a rollback writes one audit row for the sidecar's actor and one commit as the recovery actor", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await g.load(jsonl("Append", { nodes: { Person: [{ name: "alice", age: 30 }] } }));
    const before = await head(w, PERSON);
    await driftHead(w, PERSON);
    await plantSidecar(w, { operationId: "01H00000000000000000000AB", kind: "Load", tableKey: PERSON, expected: before, post: before, actor: "act-bob" });
    const commitsBefore = await recoveryActorCommits(w);
    await startProcess(w, "reopen").open();
    const rows = await auditRows(w);
    expect(rows).toHaveLength(1);
    expect(await recoveryActorCommits(w)).toBe(commitsBefore + 1);
    expect([rows[0]!.recovery_kind, rows[0]!.recovery_for_actor, rows[0]!.operation_id, rows[0]!.sidecar_writer_kind]).toEqual([
      "RolledBack",
      "act-bob",
      "01H00000000000000000000AB",
      "Load",
    ]);
  });
});

// Mirrors recovery.rs::recovery_rolls_forward_after_phase_b_completes.
test("a sidecar whose commit landed (HEAD = post pin) is rolled forward", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await g.load(jsonl("Append", { nodes: { Person: [{ name: "alice", age: 30 }, { name: "bob", age: 25 }] } }));
    const before = await head(w, PERSON);
    const after = await driftHead(w, PERSON);
    expect(after).toBe(before + 1);
    await plantSidecar(w, { operationId: "01H00000000000000000000RF", kind: "Mutation", tableKey: PERSON, expected: before, post: after, actor: "act-alice" });
    await startProcess(w, "reopen").open();
    const audit = await assertRecovered(w, "01H00000000000000000000RF", "RolledForward", [PERSON]);
    expect(audit.outcomes).toEqual([{ table_key: PERSON, from_version: before, to_version: after }]);
  });
});

// Mirrors recovery.rs::recovery_rolls_forward_with_null_actor.
test("a roll-forward of a sidecar without an actor audits a null actor", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await g.load(jsonl("Append", { nodes: { Person: [{ name: "alice", age: 30 }] } }));
    const before = await head(w, PERSON);
    const after = await driftHead(w, PERSON);
    await plantSidecar(w, { operationId: "01H00000000000000000000NA", kind: "EnsureIndices", tableKey: PERSON, expected: before, post: after, actor: null });
    await startProcess(w, "reopen").open();
    const last = (await auditRows(w)).at(-1)!;
    expect([last.recovery_kind, last.recovery_for_actor, last.operation_id, last.sidecar_writer_kind]).toEqual([
      "RolledForward",
      null,
      "01H00000000000000000000NA",
      "EnsureIndices",
    ]);
  });
});
