// A write that committed its dataset but never published is rolled forward by the next
// read-write open (upstream tests/failpoints.rs, seed profile).
import { expect, test } from "vitest";
import { FP } from "../../failpoints/catalog.ts";
import { inWorld } from "./helpers.ts";
import { leaveFinalizeResidual } from "./scripts.ts";
import { assertRecovered, auditRows, onlySidecar, person, PERSON, pinsAndHeads, publishedIds, sidecarKeys, startProcess } from "./support.ts";

// Mirrors failpoints.rs::recovery_rolls_forward_after_finalize_publisher_failure.
test("a finalize -> publisher failure is rolled forward by the next open, audited, and later writes land", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init();
    await leaveFinalizeResidual(w, g);
    // Person: Lance HEAD moved to 2, the manifest still pins the empty v1.
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [1, 2] });
    const sidecar = await onlySidecar(w);
    expect(sidecar).toMatchObject({ writer_kind: "Mutation", actor_id: null, branch: null });
    expect(sidecar.tables.map((t) => [t.table_key, t.expected_version, t.post_commit_pin])).toEqual([[PERSON, 1, 2]]);

    const reopened = await startProcess(w, "reopen").open();
    expect((await reopened.read("node", "Person")).map((r) => [r.id, r.age])).toEqual([["Eve", 22]]);
    const audit = await assertRecovered(w, sidecar.operation_id, "RolledForward", [PERSON]);
    expect(audit).toEqual({
      operation_id: sidecar.operation_id,
      recovery_kind: "RolledForward",
      recovery_for_actor: null,
      sidecar_writer_kind: "Mutation",
      outcomes: [{ table_key: PERSON, from_version: 1, to_version: 2 }],
    });

    // The follow-up write lands normally (it also builds Person's two indices: v3..v5).
    await reopened.mutate([person("Frank", 33)]);
    expect(await publishedIds(w, PERSON)).toEqual(["Eve", "Frank"]);
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [5, 5] });
    expect(await sidecarKeys(w)).toEqual([]);
    expect(await auditRows(w)).toHaveLength(1);
    expect(w.failpoints.hits(FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH)).toBe(1);
  });
});

// Mirrors failpoints.rs::refresh_runs_roll_forward_recovery_in_process.
test("refresh rolls a pending sidecar forward in process, with no reopen", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "app").init();
    const operationId = await leaveFinalizeResidual(w, g);
    await g.refresh();
    expect(await sidecarKeys(w)).toEqual([]);
    expect(g.snapshot.entry(PERSON)?.version).toBe(2);
    expect((await g.read("node", "Person")).map((r) => r.id)).toEqual(["Eve"]);
    await g.mutate([person("Frank", 33)]);
    expect(await publishedIds(w, PERSON)).toEqual(["Eve", "Frank"]);
    expect((await auditRows(w)).map((r) => [r.operation_id, r.recovery_kind])).toEqual([[operationId, "RolledForward"]]);
  });
});
