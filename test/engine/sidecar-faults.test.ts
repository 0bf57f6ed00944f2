// Storage faults on the sidecar lifecycle (put, list, delete) and on the recovery audit: every
// one either aborts before any HEAD moves, fails loudly, or converges on the next write
// (upstream tests/failpoints.rs, seed profile).
import { expect, test } from "vitest";
import { FP } from "../../failpoints/catalog.ts";
import type { LoadSpec } from "../../engine/write/load.ts";
import { inWorld } from "./helpers.ts";
import { failAtFinalize } from "./scripts.ts";
import { auditRows, COMPANY, failsAt, onlySidecar, PERSON, pinsAndHeads, publishedIds, sidecarKeys, startProcess } from "./support.ts";

const people = (...names: string[]): LoadSpec => ({ mode: "Merge", nodes: { Person: names.map((name) => ({ name })) } });

// Mirrors failpoints.rs::record_audit_failure_after_roll_forward_converges_on_next_write.
test("an audit failure after a heal's roll-forward fails that write; the next write converges with one audit row", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "app").init();
    const sidecar = await failAtFinalize(w, () => g.load(people("Alice")));
    await failsAt(w, FP.RECOVERY_RECORD_AUDIT, () => g.load(people("Bob")));
    // The roll-forward published (Person pinned at the load's v2); the sidecar survives.
    expect(await sidecarKeys(w)).toEqual([`__recovery/${sidecar.operation_id}.json`]);
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [2, 2] });
    expect(await auditRows(w)).toEqual([]);

    await g.load(people("Carol"));
    expect(await sidecarKeys(w)).toEqual([]);
    expect(await publishedIds(w, PERSON)).toEqual(["Alice", "Carol"]);
    // The retry found the stale sidecar (NoMovement, pin past expected): a RolledForward row.
    expect((await auditRows(w)).map((r) => [r.operation_id, r.recovery_kind, r.outcomes])).toEqual([
      [sidecar.operation_id, "RolledForward", [{ table_key: PERSON, from_version: 1, to_version: 2 }]],
    ]);
  });
});

// Mirrors failpoints.rs::sidecar_write_failure_aborts_load_with_no_head_advance.
test("a sidecar PUT failure aborts the load before any HEAD moves, and the next load writes normally", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "app").init();
    const spec: LoadSpec = { mode: "Merge", nodes: { Person: [{ name: "Alice", age: 30 }], Company: [{ name: "Acme" }] } };
    await failsAt(w, FP.RECOVERY_SIDECAR_WRITE, () => g.load(spec));
    expect(await sidecarKeys(w)).toEqual([]);
    expect(await pinsAndHeads(w, PERSON, COMPANY)).toEqual({ [PERSON]: [1, 1], [COMPANY]: [1, 1] });
    expect((await g.read("node", "Person")).length).toBe(0);

    await g.load(spec);
    expect(await publishedIds(w, PERSON)).toEqual(["Alice"]);
    expect(await publishedIds(w, COMPANY)).toEqual(["Acme"]);
  });
});

// Mirrors failpoints.rs::sidecar_list_failure_fails_write_and_open_loudly_then_clears.
test("a sidecar LIST failure fails the write's heal and the open's sweep loudly, then clears", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "app").init();
    await failAtFinalize(w, () => g.load(people("Alice")));
    await failsAt(w, FP.RECOVERY_SIDECAR_LIST, () => g.load(people("Bob")));
    await failsAt(w, FP.RECOVERY_SIDECAR_LIST, () => startProcess(w, "reopen").open());

    const reopened = await startProcess(w, "reopen-2").open();
    expect(await sidecarKeys(w)).toEqual([]);
    expect((await reopened.read("node", "Person")).map((r) => r.id)).toEqual(["Alice"]);
    expect((await auditRows(w)).map((r) => r.recovery_kind)).toEqual(["RolledForward"]);
  });
});

// Mirrors failpoints.rs::sidecar_delete_failure_keeps_write_success_and_next_write_heals.
test("a sidecar DELETE failure keeps the published write, and the next write's heal consumes the stale sidecar", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "app").init();
    w.failpoints.set(FP.RECOVERY_SIDECAR_DELETE, { kind: "error" });
    await g.load(people("Alice"));
    w.failpoints.clear(FP.RECOVERY_SIDECAR_DELETE);
    expect(await publishedIds(w, PERSON)).toEqual(["Alice"]);
    const stale = await onlySidecar(w);
    // Pinned at the merge (v2); the publish then built two indices (v3, v4).
    expect(stale.tables.map((t) => [t.table_key, t.expected_version, t.post_commit_pin])).toEqual([[PERSON, 1, 2]]);
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [4, 4] });

    await g.load(people("Bob"));
    expect(await sidecarKeys(w)).toEqual([]);
    expect(await publishedIds(w, PERSON)).toEqual(["Alice", "Bob"]);
    expect((await auditRows(w)).map((r) => [r.operation_id, r.recovery_kind, r.outcomes])).toEqual([
      [stale.operation_id, "RolledForward", [{ table_key: PERSON, from_version: 1, to_version: 4 }]],
    ]);
  });
});
