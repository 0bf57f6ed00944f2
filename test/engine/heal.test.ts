// The in-process heal at the head of every write: a long-lived handle recovers a
// roll-forward-eligible sidecar itself, without a reopen (upstream tests/failpoints.rs, seed).
import { expect, test } from "vitest";
import { FP } from "../../failpoints/catalog.ts";
import { SCHEMA_SOURCE_FILE, stagingName } from "../../engine/schema/contract.ts";
import { CARDINALITY_SCHEMA, inWorld } from "./helpers.ts";
import { failAtFinalize, leaveFinalizeResidual } from "./scripts.ts";
import {
  auditRows,
  COMPANY,
  manifest,
  onlySidecar,
  outcomeOf,
  person,
  PERSON,
  pinsAndHeads,
  published,
  publishedIds,
  sidecarKeys,
  startProcess,
  WORKS_AT,
} from "./support.ts";

// Mirrors failpoints.rs::mutation_after_finalize_publisher_failure_heals_without_reopen.
test("a follow-up mutation on the same handle heals the sidecar-covered drift", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "app").init();
    const operationId = await leaveFinalizeResidual(w, g);
    await g.mutate([person("Frank", 33)]);
    expect(await publishedIds(w, PERSON)).toEqual(["Eve", "Frank"]);
    expect(await sidecarKeys(w)).toEqual([]);
    expect((await auditRows(w)).map((r) => [r.operation_id, r.recovery_kind, r.outcomes])).toEqual([
      [operationId, "RolledForward", [{ table_key: PERSON, from_version: 1, to_version: 2 }]],
    ]);
  });
});

// Mirrors failpoints.rs::load_after_finalize_publisher_failure_heals_without_reopen.
test("a follow-up load on the same handle heals a three-table load's sidecar", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "app").init();
    const sidecar = await failAtFinalize(w, () =>
      g.load({
        mode: "Merge",
        nodes: { Person: [{ name: "Alice", age: 30 }, { name: "Bob", age: 25 }], Company: [{ name: "Acme" }] },
        edges: { WorksAt: [{ from: "Alice", to: "Acme" }] },
      }),
    );
    expect(sidecar.writer_kind).toBe("Load");
    expect(sidecar.tables.map((t) => [t.table_key, t.expected_version, t.post_commit_pin])).toEqual([
      [COMPANY, 1, 2],
      [PERSON, 1, 2],
      [WORKS_AT, 1, 2],
    ]);

    await g.load({ mode: "Merge", nodes: { Person: [{ name: "Carol", age: 41 }], Company: [{ name: "Globex" }] } });
    expect(await publishedIds(w, PERSON)).toEqual(["Alice", "Bob", "Carol"]);
    expect(await publishedIds(w, COMPANY)).toEqual(["Acme", "Globex"]);
    expect((await published(w, WORKS_AT, "src", "dst")).map((r) => [r.src, r.dst])).toEqual([["Alice", "Acme"]]);
    expect(await sidecarKeys(w)).toEqual([]);
    expect((await auditRows(w)).map((r) => [r.operation_id, r.recovery_kind, r.sidecar_writer_kind])).toEqual([
      [sidecar.operation_id, "RolledForward", "Load"],
    ]);
  });
});

// Mirrors failpoints.rs::schema_apply_after_finalize_publisher_failure_heals_without_reopen.
test("schema apply on the same handle heals a pending load sidecar before it plans", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "app").init();
    const sidecar = await failAtFinalize(w, () => g.load({ mode: "Merge", nodes: { Person: [{ name: "Alice", age: 30 }], Company: [{ name: "Acme" }] } }));

    const result = await g.applySchema(`${CARDINALITY_SCHEMA}\nnode Tag { name: String @key }\n`);
    expect(result.applied).toBe(true);
    expect(await publishedIds(w, PERSON)).toEqual(["Alice"]);
    expect(await publishedIds(w, COMPANY)).toEqual(["Acme"]);
    expect((await manifest(w)).entry("node:Tag")).toMatchObject({ version: 1, rowCount: 0 });
    expect(await sidecarKeys(w)).toEqual([]);
    expect((await auditRows(w)).map((r) => [r.operation_id, r.recovery_kind])).toEqual([[sidecar.operation_id, "RolledForward"]]);
  });
});

// Mirrors failpoints.rs::heal_does_not_promote_live_schema_apply_staging.
test("a concurrent write's heal waits for a live schema apply instead of promoting its staging", async () => {
  await inWorld(async (w) => {
    const app = startProcess(w, "app");
    const g = await app.init();
    const desired = `${CARDINALITY_SCHEMA}\nnode Tag { name: String @key }\n`;
    w.failpoints.set(FP.SCHEMA_APPLY_AFTER_STAGING_WRITE, { kind: "park" });
    const apply = app.spawn("apply", () => g.applySchema(desired));
    await w.until("apply parked", () => w.failpoints.reached(FP.SCHEMA_APPLY_AFTER_STAGING_WRITE));
    expect(await w.storage.objects.exists(stagingName(SCHEMA_SOURCE_FILE))).toBe(true);
    expect((await onlySidecar(w)).writer_kind).toBe("SchemaApply");

    const load = app.spawn("load", () => g.load({ mode: "Merge", nodes: { Person: [{ name: "Alice", age: 30 }] } }));
    // The load's heal blocks on the schema-apply serial key the parked apply holds.
    await w.until("load blocked", () => load.pending?.ready != null && !load.pending.ready());
    expect(load.pending?.step.label).toBe("wait queue __schema_apply__@main (handle app)");
    expect(await w.storage.objects.get(SCHEMA_SOURCE_FILE)).toBe(CARDINALITY_SCHEMA);
    expect(await w.storage.objects.exists(stagingName(SCHEMA_SOURCE_FILE))).toBe(true);

    w.failpoints.release(FP.SCHEMA_APPLY_AFTER_STAGING_WRITE);
    await w.join(apply, load);
    expect(outcomeOf(apply)).toMatchObject({ ok: true, value: { applied: true } });
    // The load may lose to the lock branch (upstream: "the load itself may fail").
    const loaded = outcomeOf(load);
    if (!loaded.ok) expect(loaded.error.kind).toBe("SchemaApplyLocked");
    expect(await publishedIds(w, PERSON)).toEqual(loaded.ok ? ["Alice"] : []);
    expect((await manifest(w)).entry("node:Tag")).toMatchObject({ version: 1, rowCount: 0 });
    expect(await sidecarKeys(w)).toEqual([]);
    expect(await auditRows(w)).toEqual([]);
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: loaded.ok ? [4, 4] : [1, 1] });
  });
});
