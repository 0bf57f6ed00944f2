// Refresh (and the heal of every write) never restores: a rollback-eligible sidecar waits for
// the next read-write open, and meanwhile the drift guard names that path.
import { expect, test } from "vitest";
import { FP } from "../../failpoints/catalog.ts";
import { inWorld } from "./helpers.ts";
import { assertRecovered, driftHead, head, person, PERSON, pin, pinsAndHeads, plantSidecar, rejects, sidecarKeys, startProcess } from "./support.ts";

/** A loaded Person table, then a sidecar-covered drift the classifier calls UnexpectedAtP1. */
async function rollbackEligible(w: Parameters<Parameters<typeof inWorld>[0]>[0], operationId: string) {
  const g = await startProcess(w, "app").init();
  await g.load({ mode: "Append", nodes: { Person: [{ name: "alice", age: 30 }] } });
  // Append (v2) plus the write path's two index builds (v3, v4).
  expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [4, 4] });
  const drifted = await driftHead(w, PERSON);
  await plantSidecar(w, { operationId, kind: "Mutation", tableKey: PERSON, expected: 3, post: drifted, actor: "act-rollback" });
  return g;
}

// Mirrors failpoints.rs::refresh_defers_rollback_eligible_sidecar_to_next_open.
test("refresh defers a rollback-eligible sidecar; the drift guard points at a reopen; the open restores", async () => {
  await inWorld(async (w) => {
    const g = await rollbackEligible(w, "01H0000000000000000000RBCK");
    await g.refresh();
    expect(await sidecarKeys(w)).toEqual(["__recovery/01H0000000000000000000RBCK.json"]);
    expect(await head(w, PERSON)).toBe(5);

    const e = await rejects(g.mutate([person("Grace", 50)]), "DriftAhead", { tableKey: PERSON, head: 5, pinned: 4, sidecarRequiresRollback: true });
    expect(e.message).toContain("a pending recovery sidecar requires rollback");
    expect(await sidecarKeys(w)).toHaveLength(1);

    await startProcess(w, "reopen").open();
    // The full sweep restored Person (a Restore commit, v6) and published it.
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [6, 6] });
    const audit = await assertRecovered(w, "01H0000000000000000000RBCK", "RolledBack", [PERSON]);
    expect(audit).toMatchObject({ recovery_for_actor: "act-rollback", outcomes: [{ table_key: PERSON, from_version: 5, to_version: 4 }] });
  });
});

// Mirrors failpoints.rs::drift_guard_names_both_paths_when_sidecar_list_fails.
test("the drift guard names both recovery paths when it cannot list the sidecars", async () => {
  await inWorld(async (w) => {
    const g = await rollbackEligible(w, "01H0000000000000000000LSTF");
    // The entry heal's list passes (and defers); the guard's list fails ("1*off->1*return").
    const listsBefore = w.failpoints.hits(FP.RECOVERY_SIDECAR_LIST);
    w.failpoints.set(FP.RECOVERY_SIDECAR_LIST, { kind: "error", skip: 1, times: 1 });
    const e = await rejects(g.load({ mode: "Merge", nodes: { Person: [{ name: "bob", age: 25 }] } }), "DriftAhead", {
      tableKey: PERSON,
      head: 5,
      pinned: 4,
      sidecarRequiresRollback: null,
    });
    expect(e.message).toContain("could not classify the drift");
    expect(e.message).toContain("injected failpoint triggered: recovery.sidecar_list");
    expect(e.message).toContain("omnigraph repair");
    expect(e.message).toContain("reopen the graph read-write");
    expect(w.failpoints.hits(FP.RECOVERY_SIDECAR_LIST) - listsBefore).toBe(2);
    expect(await pin(w, PERSON)).toBe(4);
  });
});
