// Upstream's v3 rule (`62a9c3fe`, db/manifest/recovery.rs): a Mutation sidecar records the graph
// head its write validated against, and recovery never rolls it forward once that head is no
// longer the branch's: the heal defers it, the open sweep rolls it back. Without the rule, a node
// delete whose publish was refused after its commit (an edge insert to that node published
// first) is rolled forward, and the edge dangles (edge-insert-vs-endpoint-delete).
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { FP } from "../../failpoints/catalog.ts";
import type { World } from "../../sim/world.ts";
import { inWorld } from "./helpers.ts";
import { leaveFinalizeResidual } from "./scripts.ts";
import { auditRows, edge, failsAt, KNOWS, manifest, onlySidecar, outcomeOf, person, PERSON, pinsAndHeads, publishedIds, sidecarKeys, startProcess } from "./support.ts";

/** The insert publishes between the delete's commit and its publish; returns the delete's sidecar id. */
async function refusedDeleteAfterInsert(w: World): Promise<string> {
  const g = await startProcess(w, "init").init();
  await g.mutate([person("Alice"), person("Bob")]);
  const deleter = startProcess(w, "deleter");
  const writer = startProcess(w, "writer");
  const d = await deleter.open();
  const i = await writer.open();
  w.failpoints.set(FP.RECOVERY_SIDECAR_WRITE, { kind: "park" });
  w.failpoints.set(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, { kind: "park" });
  const insert = writer.spawn("insert", () => i.mutate([edge("Knows", "Bob", "Alice")]));
  await w.until("the insert validated", () => w.failpoints.reached(FP.RECOVERY_SIDECAR_WRITE));
  const del = deleter.spawn("delete", () => d.mutate([{ kind: "deleteNode", type: "Person", where: [{ column: "id", equals: "Alice" }] }]));
  await w.until("the delete committed", () => w.failpoints.reached(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER));
  w.failpoints.release(FP.RECOVERY_SIDECAR_WRITE);
  await w.join(insert);
  expect(outcomeOf(insert).ok).toBe(true);
  w.failpoints.release(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER);
  await w.join(del);
  expect(outcomeOf(del).ok).toBe(false);
  // The delete committed Person (HEAD past the pin) and left its sidecar, whose head is gone.
  const sidecar = await onlySidecar(w);
  expect(sidecar.authority).toBeDefined();
  expect(sidecar.authority!.graph_head).not.toBe((await manifest(w)).headToken);
  expect((await pinsAndHeads(w, PERSON))[PERSON]![1]).toBeGreaterThan((await pinsAndHeads(w, PERSON))[PERSON]![0]);
  return sidecar.operation_id;
}

test("a delete refused after its commit because the head moved is deferred by the heal and rolled back by the open, never rolled forward", async () => {
  await inWorld(
    async (w) => {
      const operationId = await refusedDeleteAfterInsert(w);
      // The in-process heal only rolls forward: it leaves this one.
      const heal = await startProcess(w, "healer").open({ readOnly: true });
      await heal.refresh();
      expect(await sidecarKeys(w)).toHaveLength(1);
      // The open sweep rolls it back: Alice stays, and so does the edge to her.
      await startProcess(w, "reopen").open();
      expect(await sidecarKeys(w)).toEqual([]);
      expect(await publishedIds(w, PERSON)).toEqual(["Alice", "Bob"]);
      expect((await publishedIds(w, KNOWS)).length).toBe(1);
      const [pinned, head] = (await pinsAndHeads(w, PERSON))[PERSON]!;
      expect(head).toBe(pinned);
      expect((await auditRows(w)).map((r) => [r.operation_id, r.recovery_kind])).toEqual([[operationId, "RolledBack"]]);
    },
    { fixes: PROFILES.upstream },
  );
});

test("a sidecar whose captured head is still the branch's is rolled forward as before", async () => {
  await inWorld(
    async (w) => {
      const g = await startProcess(w, "init").init();
      const operationId = await leaveFinalizeResidual(w, g);
      expect((await onlySidecar(w)).authority?.graph_head).toBe((await manifest(w)).headToken);
      await startProcess(w, "reopen").open();
      expect(await publishedIds(w, PERSON)).toEqual(["Eve"]);
      expect((await auditRows(w)).map((r) => [r.operation_id, r.recovery_kind])).toEqual([[operationId, "RolledForward"]]);
    },
    { fixes: PROFILES.upstream },
  );
});

test("at the seed no head is captured (no graph head token), and recovery is unchanged", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init();
    await leaveFinalizeResidual(w, g);
    expect((await onlySidecar(w)).authority).toBeUndefined();
  });
});

test("a roll-forward whose captured head moves between its classification and its publish publishes nothing; the next open rolls back", async () => {
  await inWorld(
    async (w) => {
      const g = await startProcess(w, "init").init();
      await g.mutate([person("Alice"), person("Bob")]);
      const writer = startProcess(w, "writer");
      const i = await writer.open();
      const d = await startProcess(w, "deleter").open();
      // The insert validates Alice and stops before its sidecar.
      w.failpoints.set(FP.RECOVERY_SIDECAR_WRITE, { kind: "park" });
      const insert = writer.spawn("insert", () => i.mutate([edge("Knows", "Bob", "Alice")]));
      await w.until("the insert validated", () => w.failpoints.reached(FP.RECOVERY_SIDECAR_WRITE));
      // The delete commits and fails before its publish: its sidecar's head is still the head.
      await failsAt(w, FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, () => d.mutate([{ kind: "deleteNode", type: "Person", where: [{ column: "id", equals: "Alice" }] }]));
      const sidecar = await onlySidecar(w);
      expect(sidecar.authority?.graph_head).toBe((await manifest(w)).headToken);
      // An open classifies it for a roll-forward and stops before publishing; the insert publishes.
      w.failpoints.set(FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH, { kind: "park" });
      const opener = startProcess(w, "opener");
      const open = opener.spawn("open", () => opener.open());
      await w.until("the open classified", () => w.failpoints.reached(FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH));
      w.failpoints.release(FP.RECOVERY_SIDECAR_WRITE);
      await w.join(insert);
      expect(outcomeOf(insert).ok).toBe(true);
      w.failpoints.release(FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH);
      await w.join(open);
      expect(outcomeOf(open).ok).toBe(true);
      // Nothing of the delete's was published: Alice stays, the sidecar waits.
      expect(await publishedIds(w, PERSON)).toEqual(["Alice", "Bob"]);
      expect(await sidecarKeys(w)).toHaveLength(1);
      await startProcess(w, "reopen").open();
      expect(await sidecarKeys(w)).toEqual([]);
      expect(await publishedIds(w, PERSON)).toEqual(["Alice", "Bob"]);
      expect((await auditRows(w)).map((r) => [r.operation_id, r.recovery_kind])).toEqual([[sidecar.operation_id, "RolledBack"]]);
    },
    { fixes: PROFILES.upstream },
  );
});
