// The read-write open's recovery sweep (upstream tests/failpoints.rs and tests/recovery.rs):
// the #296 race, rollback of synthetic drift, stale and overlapping sidecars, read-only opens.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { inWorld, CARDINALITY_SCHEMA } from "./helpers.ts";
import { openSweepRace } from "./scripts.ts";
import {
  appendRaw,
  assertRecovered,
  auditRows,
  driftHead,
  failedWith,
  head,
  PERSON,
  pin,
  pinsAndHeads,
  plantSidecar,
  publishedIds,
  sidecarKeys,
  startProcess,
} from "./support.ts";

// Mirrors failpoints.rs::open_sweep_roll_forward_converges_when_manifest_advances_concurrently.
// Upstream's assertion (the parked open succeeds) holds only with the #296 fix: on `seed` the
// parked open fails with the bug's exact symptom.
test("#296 on seed: the parked open's roll-forward loses the publish race and fails the open", async () => {
  await inWorld(async (w) => {
    const e = failedWith(await openSweepRace(w), "ExpectedVersionMismatch", { tableKey: PERSON, expected: 1, actual: 2 });
    expect(e.manifestKind).toBe("Conflict");
    expect(e.message).toBe("stale view of 'node:Person': expected manifest table version 1 but current is 2 — refresh and retry");
  });
});

test("#296 with fix296: the parked open converges; one Person row, no sidecar, exactly one audit row", async () => {
  await inWorld(
    async (w) => {
      const parked = await openSweepRace(w);
      expect(parked.ok).toBe(true);
      expect(await sidecarKeys(w)).toEqual([]);
      const reopened = await startProcess(w, "check").open();
      expect((await reopened.read("node", "Person")).map((r) => r.id)).toEqual(["Eve"]);
      expect((await auditRows(w)).map((r) => r.recovery_kind)).toEqual(["RolledForward"]);
    },
    { fixes: { ...PROFILES.seed, fix296: true } },
  );
});

// Mirrors recovery.rs::read_only_open_skips_recovery_sweep.
test("a read-only open never inspects a sidecar, even one a read-write open cannot process", async () => {
  await inWorld(async (w) => {
    await startProcess(w, "init").init();
    await plantSidecar(w, {
      operationId: "01H000000000000000000000RO",
      kind: "Mutation",
      tableKey: PERSON,
      expected: 99,
      post: 100,
      path: "/dev/null/nonexistent.lance",
    });
    const ro = await startProcess(w, "ro").open({ readOnly: true });
    expect(ro.handle.mode).toBe("ReadOnly");
    expect(await sidecarKeys(w)).toEqual(["__recovery/01H000000000000000000000RO.json"]);
    // The same sidecar stops a read-write open: its dataset does not exist.
    await expect(startProcess(w, "rw").open()).rejects.toMatchObject({ name: "StorageError", kind: "NotFound" });
    expect(await sidecarKeys(w)).toEqual(["__recovery/01H000000000000000000000RO.json"]);
  });
});

async function aliceAndBob(w: Parameters<Parameters<typeof inWorld>[0]>[0]): Promise<void> {
  const g = await startProcess(w, "init").init();
  await g.load({ mode: "Append", nodes: { Person: [{ name: "alice", age: 30 }, { name: "bob", age: 25 }] } });
  expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [4, 4] });
}

// Mirrors recovery.rs::recovery_rolls_back_synthetic_drift_on_open.
test("the open rolls back synthetic drift a sidecar does not explain (UnexpectedAtP1)", async () => {
  await inWorld(async (w) => {
    await aliceAndBob(w);
    expect(await driftHead(w, PERSON)).toBe(5);
    await plantSidecar(w, { operationId: "01H00000000000000000000RB", kind: "Mutation", tableKey: PERSON, expected: 4, post: 4, actor: "act-test" });
    await startProcess(w, "reopen").open();
    expect(await head(w, PERSON)).toBe(6);
    const audit = await assertRecovered(w, "01H00000000000000000000RB", "RolledBack", [PERSON]);
    expect(audit).toEqual({
      operation_id: "01H00000000000000000000RB",
      recovery_kind: "RolledBack",
      recovery_for_actor: "act-test",
      sidecar_writer_kind: "Mutation",
      outcomes: [{ table_key: PERSON, from_version: 5, to_version: 4 }],
    });
    expect(await publishedIds(w, PERSON)).toEqual(["alice", "bob"]);
  });
});

// Mirrors recovery.rs::recovery_rollback_converges_manifest_so_schema_apply_succeeds.
test("a rollback publishes the restored HEAD, so a later schema apply's HEAD check passes", async () => {
  await inWorld(async (w) => {
    await aliceAndBob(w);
    await driftHead(w, PERSON);
    await plantSidecar(w, { operationId: "01H0000000000000000000CVG", kind: "Mutation", tableKey: PERSON, expected: 4, post: 4, actor: "act-test" });
    const g = await startProcess(w, "reopen").open();
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [6, 6] });
    const desired = CARDINALITY_SCHEMA.replace("age: I32? }", "age: I32?  nickname: String? }");
    expect(desired).not.toBe(CARDINALITY_SCHEMA);
    const result = await g.applySchema(desired);
    expect(result.applied).toBe(true);
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [7, 7] });
  });
});

// Mirrors recovery.rs::recovery_records_rolled_forward_for_stale_sidecar_after_successful_roll_forward.
test("a stale sidecar whose roll-forward already published is audited RolledForward, not RolledBack", async () => {
  await inWorld(async (w) => {
    await aliceAndBob(w);
    await plantSidecar(w, { operationId: "01H00000000000000000000SF", kind: "Mutation", tableKey: PERSON, expected: 3, post: 4, actor: "act-original" });
    await startProcess(w, "reopen").open();
    expect(await sidecarKeys(w)).toEqual([]);
    expect(await auditRows(w)).toEqual([
      {
        operation_id: "01H00000000000000000000SF",
        recovery_kind: "RolledForward",
        recovery_for_actor: "act-original",
        sidecar_writer_kind: "Mutation",
        outcomes: [{ table_key: PERSON, from_version: 3, to_version: 4 }],
      },
    ]);
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [4, 4] });
  });
});

// Mirrors recovery.rs::recovery_multi_sidecar_requires_fresh_snapshot_for_correctness.
test("each sidecar is classified against a fresh snapshot: the second sees the first's publish", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init();
    await g.load({ mode: "Append", nodes: { Person: [{ name: "alice", age: 30 }] } });
    const v1 = await head(w, PERSON);
    const v2 = await appendRaw(w, PERSON, [{ id: "bob", name: "bob", age: 25 }]);
    const v3 = await appendRaw(w, PERSON, [{ id: "carol", name: "carol", age: 40 }]);
    expect([v1, v2, v3]).toEqual([4, 5, 6]);
    await plantSidecar(w, { operationId: "01H0000000000000000000AAAA", kind: "EnsureIndices", tableKey: PERSON, expected: v1, post: v2, actor: "act-a" });
    await plantSidecar(w, { operationId: "01H0000000000000000000BBBB", kind: "EnsureIndices", tableKey: PERSON, expected: v2, post: v3, actor: "act-b" });

    await startProcess(w, "reopen").open();
    expect(await sidecarKeys(w)).toEqual([]);
    // A (Loose, expected == pin) rolls the table forward to v3; B, classified afresh, sees no
    // movement with the pin already past its expectation: audited RolledForward, nothing restored.
    expect((await auditRows(w)).map((r) => [r.operation_id, r.recovery_kind, r.outcomes])).toEqual([
      ["01H0000000000000000000AAAA", "RolledForward", [{ table_key: PERSON, from_version: 4, to_version: 6 }]],
      ["01H0000000000000000000BBBB", "RolledForward", [{ table_key: PERSON, from_version: 5, to_version: 6 }]],
    ]);
    expect(await head(w, PERSON)).toBe(v3);
    expect(await pin(w, PERSON)).toBe(v3);
    expect(await publishedIds(w, PERSON)).toEqual(["alice", "bob", "carol"]);
  });
});
