// A handle that has not read since another process wrote: strict writes must fail loudly and
// succeed after a refresh (tests/consistency.rs), and @card must judge live HEAD, not the
// stale base (tests/validators.rs, #298).
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { byId } from "../../engine/write/ops.ts";
import { inWorld } from "./helpers.ts";
import { initAndLoad, staleCardinalityInsert, worksAt } from "./scripts.ts";
import { failedWith, person, PERSON, pin, published, rejects, startProcess } from "./support.ts";

// Mirrors consistency.rs::stale_handle_public_mutation_must_refresh_then_retry.
test("a stale handle's strict update fails with ExpectedVersionMismatch, then lands after a refresh", async () => {
  await inWorld(async (w) => {
    await initAndLoad(w);
    const db1 = await startProcess(w, "a").open();
    const db2 = await startProcess(w, "b").open();
    const before = await pin(w, PERSON);

    await db1.mutate([person("Eve", 22)]);
    expect(await pin(w, PERSON)).toBe(before + 1);

    const setAge = [{ kind: "updateNode", type: "Person", where: byId("Alice"), set: { age: 99 } }] as const;
    const e = await rejects(db2.mutate(setAge), "ExpectedVersionMismatch", { tableKey: PERSON, expected: before, actual: before + 1 });
    expect(e.manifestKind).toBe("Conflict");
    expect(await pin(w, PERSON)).toBe(before + 1);

    await db2.refresh();
    expect(await db2.mutate(setAge)).toEqual({ affectedNodes: 1, affectedEdges: 0 });
    const people = await published(w, PERSON, "age");
    expect(people.find((r) => r.id === "Alice")).toEqual({ id: "Alice", age: 99 });
    expect(people.find((r) => r.id === "Eve")).toEqual({ id: "Eve", age: 22 });
  });
});

// Mirrors validators.rs::cardinality_rejected_for_stale_handle_after_concurrent_edge_commit.
test("#298 on seed: a stale handle's second WorksAt for Alice is rejected by @card against live HEAD", async () => {
  await inWorld(async (w) => {
    const e = failedWith(await staleCardinalityInsert(w), "CardinalityViolation", { edge: "WorksAt", source: "Alice", count: 2, min: 0, max: 1 });
    expect(e.message).toBe("@card violation on edge WorksAt: source 'Alice' has 2 edges (max 1)");
    expect(await worksAt(w)).toEqual([["Alice", "Acme"]]);
  });
});

test("#298 on regress-298: the stale scan reads the pinned base, passes, and publishes a second edge", async () => {
  await inWorld(
    async (w) => {
      const b = await staleCardinalityInsert(w);
      expect(b).toEqual({ ok: true, value: { affectedNodes: 0, affectedEdges: 1 } });
      expect(await worksAt(w)).toEqual([
        ["Alice", "Acme"],
        ["Alice", "Beta"],
      ]);
    },
    { fixes: PROFILES["regress-298"] },
  );
});
