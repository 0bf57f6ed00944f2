// Under `ownerLease` a write heals inside its commit section, after it validated against the
// schema contract: a recovery there that promotes a schema apply's staged contract voids that
// validation, and the write prepares again on the promoted schema.
import { expect, test } from "vitest";
import { FP } from "../../failpoints/catalog.ts";
import { PROFILES } from "../../engine/fixes.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import { byId } from "../../engine/write/ops.ts";
import { CARDINALITY_SCHEMA, inWorld } from "./helpers.ts";
import { failsAt, pin, PERSON, person, settle, startProcess } from "./support.ts";

test("a write that validated against the contract a failed apply left, then recovered that apply's staged schema in its section, prepares again: the dropped property is not written back", async () => {
  // random-workload-branches on fixed (portfolio seed 43): an apply dropping `nickname` published
  // its rewrite and failed at its graph commit with its staging files unpromoted; the next write
  // of the same handle validated against the old files, promoted the new ones inside its
  // section, and wrote `nickname` back into node:Person.
  const withNickname = CARDINALITY_SCHEMA.replace("age: I32?", "age: I32?  nickname: String?");
  await inWorld(async (w) => {
    const g = await startProcess(w, "app").init(withNickname);
    await g.mutate([person("Alice", 30)]);
    await failsAt(w, FP.GRAPH_PUBLISH_BEFORE_COMMIT_APPEND, () => g.applySchema(CARDINALITY_SCHEMA, { allowDataLoss: true }));
    const r = await settle(g.mutate([{ kind: "updateNode", type: "Person", where: byId("Alice"), set: { age: 31 } }]));
    expect(r.ok ? "ok" : r.error.kind).toBe("ok");
    const rows = (await w.storage.datasets.checkout(tablePathForTableKey(PERSON), null, await pin(w, PERSON))).rows;
    expect([...new Set(rows.flatMap((row) => Object.keys(row)))].sort()).toEqual(["age", "id", "name"]);
    expect(await w.storage.objects.get("_schema.pg")).toBe(CARDINALITY_SCHEMA);
  }, { fixes: PROFILES.fixed });
});
