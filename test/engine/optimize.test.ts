// Optimize against cross-process writers and its own retries (upstream tests/failpoints.rs,
// #297 cases, on `seed`, where the #297 fix is in).
import { expect, test } from "vitest";
import { FP } from "../../failpoints/catalog.ts";
import { inWorld } from "./helpers.ts";
import { initFourPeople, optimizeRace, personStats } from "./scripts.ts";
import { assertRecovered, auditRows, failsAt, onlySidecar, PERSON, pinsAndHeads, publishedIds, sidecarKeys, startProcess } from "./support.ts";

/** The four seed inserts: v2, then the first insert's two index builds (v3, v4), then v5..v7. */
const SEEDED_PIN = 7;

// Mirrors failpoints.rs::optimize_survives_concurrent_insert_advancing_manifest.
test("optimize converges past a concurrent insert published by a separate handle", async () => {
  await inWorld(async (w) => {
    const result = await optimizeRace(w, "insert");
    expect(result.ok).toBe(true);
    expect(personStats(result.ok ? result.value : [])).toEqual({ tableKey: PERSON, committed: true, skippedForDrift: false });
    // eve's merge (v8), then optimize's compaction rebased on top of it (v9), published monotonically.
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [SEEDED_PIN + 3, SEEDED_PIN + 3] });
    expect(await publishedIds(w, PERSON)).toEqual(["alice", "bob", "carol", "dave", "eve"]);
    expect(await sidecarKeys(w)).toEqual([]);
    // B6, as upstream's own test has it: the writer's open swept optimize's live sidecar
    // (NoMovement: an empty RolledBack) before optimize compacted.
    expect((await auditRows(w)).map((r) => [r.recovery_kind, r.sidecar_writer_kind, r.outcomes])).toEqual([["RolledBack", "Optimize", []]]);
    const again = await startProcess(w, "again").open();
    expect(personStats(await again.optimize())).toEqual({ tableKey: PERSON, committed: false, skippedForDrift: false });
  });
});

// Mirrors failpoints.rs::optimize_survives_concurrent_delete_before_compaction.
test("optimize re-plans past a concurrent delete that conflicts with its compaction", async () => {
  await inWorld(async (w) => {
    const result = await optimizeRace(w, "delete");
    expect(result.ok).toBe(true);
    expect(personStats(result.ok ? result.value : [])).toEqual({ tableKey: PERSON, committed: true, skippedForDrift: false });
    // The first compaction attempt hit a RetryableCommitConflict; only the retry committed.
    expect(w.failpoints.hits(FP.OPTIMIZE_BEFORE_COMPACT)).toBe(2);
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [SEEDED_PIN + 3, SEEDED_PIN + 3] });
    expect(await publishedIds(w, PERSON)).toEqual(["bob", "carol", "dave"]);
    expect(await sidecarKeys(w)).toEqual([]);
    const again = await startProcess(w, "again").open();
    expect(personStats(await again.optimize())).toEqual({ tableKey: PERSON, committed: false, skippedForDrift: false });
  });
});

// Mirrors failpoints.rs::optimize_retry_does_not_misclassify_own_head_drift.
test("a retry after its own compaction does not mistake that compaction for drift", async () => {
  await inWorld(async (w) => {
    await initFourPeople(w);
    w.failpoints.set(FP.OPTIMIZE_INJECT_REINDEX_CONFLICT, { kind: "error", times: 1 });
    const g = await startProcess(w, "optimizer").open();
    expect(personStats(await g.optimize())).toEqual({ tableKey: PERSON, committed: true, skippedForDrift: false });
    // One injected conflict after the compaction; the retry found nothing left to do but publish.
    expect(w.failpoints.hits(FP.OPTIMIZE_INJECT_REINDEX_CONFLICT)).toBe(1);
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [SEEDED_PIN + 2, SEEDED_PIN + 2] });
    expect(personStats(await g.optimize())).toEqual({ tableKey: PERSON, committed: false, skippedForDrift: false });
    expect(await publishedIds(w, PERSON)).toEqual(["alice", "bob", "carol", "dave"]);
    expect(await sidecarKeys(w)).toEqual([]);
    expect(await auditRows(w)).toEqual([]);
  });
});

// Mirrors failpoints.rs::optimize_phase_b_failure_recovered_on_next_open.
test("a compaction that never published is rolled forward by the next open", async () => {
  await inWorld(async (w) => {
    await initFourPeople(w);
    const g = await startProcess(w, "optimizer").open();
    await failsAt(w, FP.OPTIMIZE_POST_PHASE_B_PRE_MANIFEST_COMMIT, () => g.optimize());
    const sidecar = await onlySidecar(w);
    expect(sidecar.writer_kind).toBe("Optimize");
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [SEEDED_PIN, SEEDED_PIN + 2] });

    const reopened = await startProcess(w, "reopen").open();
    const audit = await assertRecovered(w, sidecar.operation_id, "RolledForward", [PERSON]);
    expect(audit.outcomes).toEqual([{ table_key: PERSON, from_version: SEEDED_PIN, to_version: SEEDED_PIN + 2 }]);
    const desired = reopened.handle.schemaSource.replace("age: I32? }", "age: I32?  nickname: String? }");
    expect((await reopened.applySchema(desired)).applied).toBe(true);
  });
});
