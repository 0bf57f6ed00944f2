// Upstream tests/failpoints.rs, the tests not already ported elsewhere (heal.test.ts,
// open-sweep.test.ts, optimize.test.ts, recovery-roll-forward.test.ts, refresh-deferral.test.ts,
// schema-apply-crash.test.ts, sidecar-faults.test.ts, inline-delete.test.ts): a failpoint fired
// in each write path, and what the next write or open must find.
import { expect, test } from "vitest";
import { FP } from "../../failpoints/catalog.ts";
import { inWorld } from "./helpers.ts";
import { failAtFinalize } from "./scripts.ts";
import { assertRecovered, auditRows, failsAt, PERSON, rejects, injected, sidecarKeys, startProcess } from "./support.ts";
import { countRows, headCommit, initAndLoadTest, insertPerson, jsonl, TEST_SCHEMA } from "./upstream.ts";

// Mirrors failpoints.rs::ensure_indices_phase_b_failure_does_not_leak_sidecar_when_no_work_needed.
// Upstream also checks `_graph_commit_recoveries.lance` was never created; the model creates
// it at init, so the check is that it holds no row.
test("ensureIndices failing before its publish with no work to do leaves no sidecar and no audit", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await g.load(jsonl("Append", { nodes: { Person: [{ name: "alice", age: 30 }, { name: "bob", age: 25 }] } }));
    await g.ensureIndices();
    const db = await startProcess(w, "open").open();
    await failsAt(w, FP.ENSURE_INDICES_POST_PHASE_B_PRE_MANIFEST_COMMIT, () => db.ensureIndices());
    expect(await sidecarKeys(w)).toEqual([]);
    await startProcess(w, "reopen").open();
    expect(await sidecarKeys(w)).toEqual([]);
    expect(await auditRows(w)).toEqual([]);
  });
});

// Mirrors failpoints.rs::ensure_indices_stage_btree_failure_leaves_existing_tables_writable.
test("ensureIndices failing while staging a btree leaves untouched tables writable", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await g.mutate([insertPerson("Alice", 30)]);
    expect((await g.applySchema(TEST_SCHEMA.replace("age: I32?", "age: I32? @index"))).applied).toBe(true);
    await failsAt(w, FP.ENSURE_INDICES_POST_STAGE_PRE_COMMIT_BTREE, () => g.ensureIndices());
    await g.load(jsonl("Append", { nodes: { Company: [{ name: "Acme" }] } }));
    expect(await countRows(w, "node:Company")).toBe(1);
  });
});

// Mirrors failpoints.rs::finalize_publisher_residual_does_not_drift_untouched_tables.
test("a Person residual left before the publisher does not block a Company load", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await failAtFinalize(w, () => g.mutate([insertPerson("Eve", 22)]));
    await g.load(jsonl("Append", { nodes: { Company: [{ name: "Acme" }] } }));
    expect(await countRows(w, "node:Company")).toBe(1);
  });
});

// Mirrors failpoints.rs::graph_publish_failpoint_triggers_before_commit_append.
test("graph_publish.before_commit_append fails the mutation with its own error", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    w.failpoints.set(FP.GRAPH_PUBLISH_BEFORE_COMMIT_APPEND, { kind: "error" });
    const e = await rejects(g.mutate([insertPerson("Eve", 22)]), "InjectedFailure", injected(FP.GRAPH_PUBLISH_BEFORE_COMMIT_APPEND));
    expect(e.message).toBe(`injected failpoint triggered: ${FP.GRAPH_PUBLISH_BEFORE_COMMIT_APPEND}`);
  });
});

// Mirrors failpoints.rs::load_after_schema_apply_phase_b_failure_uses_recovered_catalog.
test("after a schema apply fails past its staging write, the same handle's load rolls it forward and uses the new type", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await g.load(jsonl("Append", { nodes: { Person: [{ name: "alice", age: 30 }] } }));
    const v2 = `node Person {
    name: String @key
    age: I32?
    city: String?
}
node Company {
    name: String @key
}
node Tag {
    label: String @key
}
edge Knows: Person -> Person {
    since: Date?
}
edge WorksAt: Person -> Company
`;
    await failsAt(w, FP.SCHEMA_APPLY_AFTER_STAGING_WRITE, () => g.applySchema(v2));
    expect(await sidecarKeys(w)).toHaveLength(1);
    await g.load(jsonl("Merge", { nodes: { Tag: [{ label: "t1" }] } }));
    expect(await countRows(w, "node:Tag")).toBe(1);
    expect(await sidecarKeys(w)).toEqual([]);
  });
});

// Mirrors failpoints.rs::recovery_rolls_forward_load_overwrite.
test("an Overwrite load stopped before its publish is rolled forward by the next open; writes continue", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const parent = (await headCommit(w))!.id;
    const sidecar = await failAtFinalize(w, () => g.load(jsonl("Overwrite", { nodes: { Person: [{ name: "OverwriteLoad", age: 41 }] } })));
    expect(sidecar.writer_kind).toBe("Load");
    await startProcess(w, "reopen").open();
    expect(await countRows(w, PERSON)).toBe(1);
    await assertRecovered(w, sidecar.operation_id, "RolledForward", [PERSON]);
    expect((await headCommit(w))!.id).not.toBe(parent);
    await (await startProcess(w, "after").open()).mutate([insertPerson("AfterOverwriteLoad", 42)]);
    expect(await countRows(w, PERSON)).toBe(2);
  });
});

// Mirrors failpoints.rs::init_failpoint_returns_original_error_not_cleanup_error.
test("init failing after writing _schema.pg surfaces the failpoint's own error", async () => {
  await inWorld(async (w) => {
    w.failpoints.set(FP.INIT_AFTER_SCHEMA_PG_WRITTEN, { kind: "error" });
    const e = await rejects(startProcess(w, "init").init(TEST_SCHEMA), "InjectedFailure", injected(FP.INIT_AFTER_SCHEMA_PG_WRITTEN));
    expect(e.message).toContain(FP.INIT_AFTER_SCHEMA_PG_WRITTEN);
  });
});
