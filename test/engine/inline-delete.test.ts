// The seed's inline delete: Lance HEAD moves during execution, so the sidecar must be written
// before the delete's version conflict is raised, and the next open rolls the delete back.
import { expect, test } from "vitest";
import { FP } from "../../failpoints/catalog.ts";
import { byId } from "../../engine/write/ops.ts";
import { inWorld } from "./helpers.ts";
import { initAndLoad } from "./scripts.ts";
import { assertRecovered, failedWith, head, KNOWS, onlySidecar, outcomeOf, PERSON, pin, pinsAndHeads, published, publishedIds, startProcess, WORKS_AT } from "./support.ts";

// Mirrors failpoints.rs::inline_delete_conflict_writes_sidecar_before_rejecting.
test("an inline delete that loses to a concurrent update writes its sidecar first and is rolled back on open", async () => {
  await inWorld(async (w) => {
    const app = startProcess(w, "app");
    const g = await initAndLoad(w, app);
    const personPin = await pin(w, PERSON);
    const knowsPin = await pin(w, KNOWS);
    const worksAtPin = await pin(w, WORKS_AT);
    expect([personPin, knowsPin, worksAtPin]).toEqual([4, 5, 5]);

    w.failpoints.set(FP.MUTATION_DELETE_NODE_PRE_PRIMARY_DELETE, { kind: "park" });
    const deleting = app.spawn("delete", () => g.mutate([{ kind: "deleteNode", type: "Person", where: byId("Alice") }]));
    await w.until("delete parked", () => w.failpoints.reached(FP.MUTATION_DELETE_NODE_PRE_PRIMARY_DELETE));

    // Upstream writes through `open_read_only`: read-only only skips the open's sweep.
    const concurrent = await startProcess(w, "concurrent").open({ readOnly: true });
    await concurrent.mutate([{ kind: "updateNode", type: "Person", where: byId("Bob"), set: { age: 26 } }]);
    expect(await pin(w, PERSON)).toBe(personPin + 1);

    w.failpoints.release(FP.MUTATION_DELETE_NODE_PRE_PRIMARY_DELETE);
    await w.join(deleting);
    failedWith(outcomeOf(deleting), "ExpectedVersionMismatch", { tableKey: PERSON, expected: personPin, actual: personPin + 1 });

    // The primary delete rebased over the update (Person HEAD +2) and the cascade hit Knows and
    // WorksAt; the sidecar covering all three was written before the rejection.
    expect(await pinsAndHeads(w, PERSON, KNOWS, WORKS_AT)).toEqual({
      [PERSON]: [personPin + 1, personPin + 2],
      [KNOWS]: [knowsPin, knowsPin + 1],
      [WORKS_AT]: [worksAtPin, worksAtPin + 1],
    });
    const sidecar = await onlySidecar(w);
    expect(sidecar.tables.map((t) => [t.table_key, t.expected_version, t.post_commit_pin])).toEqual([
      [PERSON, personPin, personPin + 2],
      [KNOWS, knowsPin, knowsPin + 1],
      [WORKS_AT, worksAtPin, worksAtPin + 1],
    ]);

    // Person is UnexpectedAtP1 (its pin moved past the sidecar's expectation), so the whole
    // sidecar rolls back: Person restored to the update, both edge tables to their pins.
    await startProcess(w, "reopen").open();
    expect(await publishedIds(w, PERSON)).toEqual(["Alice", "Bob", "Charlie", "Diana"]);
    expect((await published(w, PERSON, "age")).find((r) => r.id === "Bob")?.age).toBe(26);
    expect(await publishedIds(w, KNOWS)).toHaveLength(3);
    expect(await publishedIds(w, WORKS_AT)).toHaveLength(2);
    const audit = await assertRecovered(w, sidecar.operation_id, "RolledBack", [PERSON, KNOWS, WORKS_AT]);
    expect(audit.outcomes).toEqual([
      { table_key: PERSON, from_version: personPin + 2, to_version: personPin + 1 },
      { table_key: KNOWS, from_version: knowsPin + 1, to_version: knowsPin },
      { table_key: WORKS_AT, from_version: worksAtPin + 1, to_version: worksAtPin },
    ]);
    expect(await head(w, PERSON)).toBe(personPin + 3);
  });
});
