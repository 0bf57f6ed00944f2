// Upstream's `OwnCompensatedAtHead` (recovery.rs at `62a9c3fe`): a Full recovery that restored a
// writer's table to its manifest pin and died before publishing the restore leaves a Restore at
// HEAD; the next recovery publishes it instead of leaving HEAD ahead of the pin.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { datasetUri, RECOVERY_DIR } from "../../engine/manifest/layout.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import { inWorld } from "./helpers.ts";
import { auditRows, head, pin, PERSON, person, sidecarKeys, startProcess } from "./support.ts";

test("an index build's sidecar whose roll-back restored its table and died before publishing is finished by the next open: the restore is published, no drift", async () => {
  // crashes random-workload --profile fixed, seed 2 (cut 142a.3b): an EnsureIndices roll-back
  // restored node:Person and was cut before its publish; under provenRollForward the next
  // recovery read the Restore as a foreign advance, audited a roll-back and published nothing.
  await inWorld(async (w) => {
    const g = await startProcess(w, "setup").init();
    await g.mutate([person("Alice", 30)]);
    const path = tablePathForTableKey(PERSON);
    const pinned = await pin(w, PERSON);
    // The index build's commit, then the dead recovery's restore of the pin.
    const built = (await w.storage.datasets.commit(path, null, pinned, { op: "CreateIndex", index: "btree:id" })).version;
    await w.storage.datasets.restore(path, null, pinned);
    const body = {
      schema_version: 2,
      operation_id: "01JXT21R492QD1VVVW1YY396F4",
      started_at: "0",
      branch: null,
      actor_id: null,
      writer_kind: "EnsureIndices",
      tables: [{ table_key: PERSON, table_path: datasetUri(w.backend.root, path), expected_version: pinned, post_commit_pin: built }],
      additional_registrations: [],
      tombstones: [],
    };
    await w.storage.objects.put(`${RECOVERY_DIR}${body.operation_id}.json`, JSON.stringify(body));
    await startProcess(w, "reopen").open();
    expect(await sidecarKeys(w)).toEqual([]);
    expect(await pin(w, PERSON)).toBe(await head(w, PERSON));
    expect((await auditRows(w)).map((r) => r.recovery_kind)).toEqual(["RolledBack"]);
  }, { fixes: PROFILES.fixed });
});
