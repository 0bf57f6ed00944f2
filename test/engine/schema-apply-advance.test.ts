// Schema apply's publish against a main that advanced after its "main advanced" check. At the seed
// the check (schema_apply.rs:634-641 at `7d3a52d6`) is followed by the staging writes and an
// unconditional publish (661-670), so a publish landing in that window is published over. By
// `62a9c3fe` the publish is conditional on the graph head the apply captured and on each touched
// table's pin (schema_apply.rs:994-1133): the apply refuses. The advancing publish here stands for
// a writer of another process that checked the lock before the apply created it (a write checks
// the lock after its Lance commit and before its publish: `engine/write/publish.ts`).
import { expect, test } from "vitest";
import { type Fixes, PROFILES } from "../../engine/fixes.ts";
import { bumpingPublishOptions } from "../../engine/handle/commit-section.ts";
import { publish } from "../../engine/manifest/publisher.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import { FP } from "../../failpoints/catalog.ts";
import { CARDINALITY_SCHEMA, inWorld } from "./helpers.ts";
import { appendRaw, COMPANY, outcomeOf, PERSON, pin, publishedIds, sidecarKeys, startProcess } from "./support.ts";

const WITH_CITY = CARDINALITY_SCHEMA.replace("age: I32? }", "age: I32?  city: String? }");

async function applyOverAdvance(fixes: Fixes): Promise<string> {
  let out = "";
  await inWorld(
    async (w) => {
      const g = await startProcess(w, "app").init();
      await g.load({ mode: "Append", nodes: { Person: [{ name: "alice", age: 30 }], Company: [{ name: "acme" }] } });
      const personPin = await pin(w, PERSON);
      w.failpoints.set(FP.SCHEMA_APPLY_BEFORE_STAGING_WRITE, { kind: "park" });
      const apply = startProcess(w, "app-apply").spawn("apply", () => g.applySchema(WITH_CITY));
      await w.until("the apply passed its advance check", () => w.failpoints.reached(FP.SCHEMA_APPLY_BEFORE_STAGING_WRITE));
      // Another process's write on Company publishes now (its lock check passed earlier).
      const other = startProcess(w, "other");
      const v = await appendRaw(w, COMPANY, [{ id: "globex", name: "globex" }]);
      await publish(other.env, null, [{ kind: "update", tableKey: COMPANY, version: v, branch: null, rowCount: 2 }], null, bumpingPublishOptions(other.env, null));
      w.failpoints.release(FP.SCHEMA_APPLY_BEFORE_STAGING_WRITE);
      await w.join(apply);
      const o = outcomeOf(apply);
      const moved = (await pin(w, PERSON)) !== personPin;
      out = `${o.ok ? "applied" : o.error.kind}; Person pin ${moved ? "moved" : "kept"}; Company ${(await publishedIds(w, COMPANY)).join(",")}`;
      await startProcess(w, "reopen").open();
      out += ` | after reopen: Person pin ${(await pin(w, PERSON)) !== personPin ? "moved" : "kept"}; sidecars ${(await sidecarKeys(w)).length}; schema ${(await w.storage.objects.get("_schema.pg"))?.toString().includes("city") ? "new" : "old"}`;
    },
    { fixes },
  );
  return out;
}

test("seed: a publish after the advance check is published over (the seed's window)", async () => {
  expect(await applyOverAdvance(PROFILES.seed)).toBe("applied; Person pin moved; Company acme,globex | after reopen: Person pin moved; sidecars 0; schema new");
});

test("upstream: the apply's publish expects the graph head it captured, so it refuses", async () => {
  // The refused apply leaves its sidecar and staging files; the next open rolls it forward on top
  // of the advance (the model's SchemaApply sidecar records no captured graph head; upstream's v9
  // one does, and rolls back: docs/fidelity.md). Schema and tables agree either way.
  expect(await applyOverAdvance(PROFILES.upstream)).toBe("ReadSetChanged; Person pin kept; Company acme,globex | after reopen: Person pin moved; sidecars 0; schema new");
});

/**
 * Another process's optimize compacts `__manifest` (a new manifest version, the same content)
 * between the apply's snapshot and its check. At the seed the check compares versions and refuses
 * the apply; `62a9c3fe` compares main's graph head, which a compaction leaves alone.
 */
async function applyOverCompaction(fixes: Fixes): Promise<string> {
  let out = "";
  await inWorld(
    async (w) => {
      const g = await startProcess(w, "app").init();
      await g.load({ mode: "Append", nodes: { Person: [{ name: "alice", age: 30 }], Company: [{ name: "acme" }] } });
      const apply = startProcess(w, "app-apply").spawn("apply", () => g.applySchema(WITH_CITY));
      const persons = tablePathForTableKey(PERSON);
      await w.until("the apply rewrote Person", () => w.trace.events().some((e) => e.e === "io" && "ok" in e && e.actor === "apply" && e.op === "datasets.commit" && (e.args as { path: string }).path === persons));
      const before = await w.storage.manifest.latestVersion(null);
      expect(await w.storage.manifest.compact(null, before)).not.toBeNull();
      await w.join(apply);
      const o = outcomeOf(apply);
      out = o.ok ? "applied" : o.error.kind;
    },
    { fixes },
  );
  return out;
}

test("seed: a __manifest compaction under the apply refuses it (its check compares versions)", async () => {
  expect(await applyOverCompaction(PROFILES.seed)).toBe("SchemaApplyLeaseLost");
});

test("upstream: a __manifest compaction under the apply leaves it alone (the graph head did not move)", async () => {
  expect(await applyOverCompaction(PROFILES.upstream)).toBe("applied");
});
