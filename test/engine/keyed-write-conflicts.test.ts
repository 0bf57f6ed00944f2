// D2 of the fidelity audit: upstream stages a keyed insert or update as a merge-insert at the
// table's staged version (`stage_merge_insert`) and commits that transaction once
// (`commit_staged`, no affected rows, no re-execution): Lance's `Operation::Update`, which its
// conflict resolver (`check_update_txn`) refuses, retryably, over a concurrent Update, Delete or
// Rewrite of a fragment it rewrites, and a compaction (`check_rewrite_txn`) refuses over it.
// The model used to commit it as a re-executed merge that rebased over anything: a stale upsert
// of a concurrently deleted key brought the row back.
import { expect, test } from "vitest";
import { FP } from "../../failpoints/catalog.ts";
import { PROFILES } from "../../engine/fixes.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import { byId } from "../../engine/write/ops.ts";
import { inWorld } from "./helpers.ts";
import { head, outcomeOf, person, PERSON, startProcess } from "./support.ts";

test("a keyed upsert staged before a concurrent delete of its row fails at commit with a Lance conflict: the row stays deleted", async () => {
  await inWorld(
    async (w) => {
      const a = startProcess(w, "a");
      const g = await a.init();
      await g.mutate([person("Alice", 30), person("Bob", 40)]);
      const writer = await startProcess(w, "writer").open();
      // The upsert has staged and revalidated, and stops before its sidecar and commit (later
      // arrivals at the parked failpoint, the deleter's, pass).
      w.failpoints.set(FP.RECOVERY_SIDECAR_WRITE, { kind: "park" });
      const upsert = a.spawn("upsert", () => writer.mutate([{ kind: "updateNode", type: "Person", where: byId("Alice"), set: { age: 31 } }]));
      await w.until("the upsert parked before its commit", () => w.failpoints.reached(FP.RECOVERY_SIDECAR_WRITE));
      await (await startProcess(w, "deleter").open()).mutate([{ kind: "deleteNode", type: "Person", where: byId("Alice") }]);
      const afterDelete = await head(w, PERSON);
      w.failpoints.release(FP.RECOVERY_SIDECAR_WRITE);
      await w.join(upsert);
      const outcome = outcomeOf(upsert);
      expect(outcome.ok ? "ok" : [outcome.error.kind, outcome.error.details]).toEqual(["LanceCommitConflict", { tableKey: PERSON, retryable: true }]);
      expect(await head(w, PERSON)).toBe(afterDelete);
      expect((await w.storage.datasets.checkout(tablePathForTableKey(PERSON), null, afterDelete)).rows.map((r) => r.id)).toEqual(["Bob"]);
    },
    { fixes: PROFILES.seed },
  );
});
