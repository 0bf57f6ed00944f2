// One test per flag of engine/fixes.ts: the same small situation with the flag off and on,
// and the outcome it changes. The last six flags are wired where their full fix will go; their
// tests pin what the engine does with them today, and say so in their names.
import { expect, test } from "vitest";
import { FP } from "../../failpoints/catalog.ts";
import { type Fixes, PROFILES } from "../../engine/fixes.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import { byId } from "../../engine/write/ops.ts";
import type { World } from "../../sim/world.ts";
import type { Actor } from "../../sim/scheduler.ts";
import type { MutationOp } from "../../engine/write/ops.ts";
import { CARDINALITY_SCHEMA, inWorld } from "./helpers.ts";
import { initAndLoad, initFourPeople, openSweepRace, optimizeRace, staleCardinalityInsert, worksAt } from "./scripts.ts";
import {
  company,
  COMPANY,
  edge,
  failsAt,
  head,
  KNOWS,
  outcomeOf,
  person,
  PERSON,
  pin,
  pinsAndHeads,
  publishedIds,
  settle,
  type Settled,
  sidecarKeys,
  startProcess,
  WORKS_AT,
} from "./support.ts";

/** Runs `body` once with `flag` off and once on (on top of `base`), returning both results. */
async function offAndOn<T>(flag: keyof Fixes, body: (w: World) => Promise<T>, base: Fixes = PROFILES.seed): Promise<{ off: T; on: T }> {
  const run = async (value: boolean) => {
    let out: T | undefined;
    await inWorld(
      async (w) => {
        out = await body(w);
      },
      { fixes: { ...base, [flag]: value } },
    );
    return out as T;
  };
  return { off: await run(false), on: await run(true) };
}

function kindOf(s: Settled): string {
  return s.ok ? "ok" : s.error.kind;
}

test("fix296: the open sweep's lost roll-forward race fails the open without it, converges with it", async () => {
  const { off, on } = await offAndOn("fix296", openSweepRace);
  expect(off.ok ? null : off.error.details).toEqual({ tableKey: PERSON, expected: 1, actual: 2 });
  expect(on).toEqual({ ok: true, value: expect.anything() });
});

test("fix297: optimize fails on a concurrent insert (EVM) and delete (Lance conflict) without it, converges with it", async () => {
  const insert = await offAndOn("fix297", (w) => optimizeRace(w, "insert"));
  expect(insert.off.ok ? null : [insert.off.error.kind, insert.off.error.details]).toEqual([
    "ExpectedVersionMismatch",
    { tableKey: PERSON, expected: 7, actual: 8 },
  ]);
  expect(kindOf(insert.on)).toBe("ok");
  const del = await offAndOn("fix297", (w) => optimizeRace(w, "delete"));
  expect(del.off.ok ? null : [del.off.error.kind, del.off.error.details]).toEqual(["LanceCommitConflict", { tableKey: PERSON, retryable: true }]);
  expect(kindOf(del.on)).toBe("ok");
});

test("regress298: a stale handle's @card scan rejects a second edge without it, accepts it with it", async () => {
  const { off, on } = await offAndOn("regress298", async (w) => ({ result: kindOf(await staleCardinalityInsert(w)), edges: await worksAt(w) }));
  expect(off).toEqual({ result: "CardinalityViolation", edges: [["Alice", "Acme"]] });
  expect(on).toEqual({
    result: "ok",
    edges: [
      ["Alice", "Acme"],
      ["Alice", "Beta"],
    ],
  });
});

test("fix361: a follower's heal fails on a listed sidecar that vanished before its GET without it, skips it with it", async () => {
  const { off, on } = await offAndOn("fix361", async (w) => {
    const writer = startProcess(w, "writer");
    const g = await writer.init();
    const follower = await startProcess(w, "follower").open();
    w.failpoints.set(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, { kind: "park" });
    const writing = writer.spawn("write", () => g.mutate([person("Eve")]));
    await w.until("writer parked with its sidecar on disk", () => w.failpoints.reached(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER));
    const sidecar = (await sidecarKeys(w))[0]!;
    w.failpoints.set(FP.RECOVERY_POST_SIDECAR_LIST_PRE_READ, { kind: "park" });
    const following = w.spawn(w.process("follower-actor"), "follow", () => follower.mutate([person("Frank")]));
    await w.until("follower listed the sidecar", () => w.failpoints.reached(FP.RECOVERY_POST_SIDECAR_LIST_PRE_READ));
    w.failpoints.release(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER);
    await w.join(writing);
    expect(await sidecarKeys(w)).toEqual([]);
    w.failpoints.release(FP.RECOVERY_POST_SIDECAR_LIST_PRE_READ);
    await w.join(following);
    const r = outcomeOf(following);
    return { result: r.ok ? "ok" : [r.error.kind, r.error.details], sidecar, people: await publishedIds(w, PERSON) };
  });
  expect(off).toEqual({ result: ["StorageFailure", { storageKind: "NotFound", key: off.sidecar }], sidecar: off.sidecar, people: ["Eve"] });
  expect(on).toEqual({ result: "ok", sidecar: on.sidecar, people: ["Eve", "Frank"] });
});

test("sharedQueues: two handles of one process do not serialize on a table's queue without it, do with it", async () => {
  const { off, on } = await offAndOn("sharedQueues", async (w) => {
    await initFourPeople(w);
    const app = startProcess(w, "app");
    const maintenance = await app.open();
    const writer = await app.open();
    w.failpoints.set(FP.OPTIMIZE_BEFORE_COMPACT, { kind: "park" });
    const optimizing = app.spawn("optimize", () => maintenance.optimize());
    await w.until("optimize parked holding the Person queue", () => w.failpoints.reached(FP.OPTIMIZE_BEFORE_COMPACT));
    const writing = app.spawn("write", () => writer.mutate([person("eve")]));
    const blocked = () => writing.pending?.ready != null && !writing.pending.ready();
    await w.until("the write finished or blocked", () => writing.ended || blocked());
    const whileParked = writing.ended ? "finished" : writing.pending!.step.label;
    w.failpoints.release(FP.OPTIMIZE_BEFORE_COMPACT);
    await w.join(optimizing, writing);
    return { whileParked, optimize: kindOf(outcomeOf(optimizing)), write: kindOf(outcomeOf(writing)) };
  });
  expect(off).toEqual({ whileParked: "finished", optimize: "ok", write: "ok" });
  expect(on).toEqual({ whileParked: "wait queue node:Person@main (root mem://graph)", optimize: "ok", write: "ok" });
});

test("noDetachedEnsureIndices (today: only the spawn is removed): the served apply's detached index build runs without it, not with it", async () => {
  const { off, on } = await offAndOn("noDetachedEnsureIndices", async (w) => {
    const server = startProcess(w, "server");
    await server.init();
    const g = await server.open({ served: true });
    await g.mutate([person("Alice", 30)]);
    // A hard drop of `age` overwrites Person (v5) and so drops its two indices.
    const applied = await g.applySchema(CARDINALITY_SCHEMA.replace("  age: I32?", ""), { allowDataLoss: true });
    const detached = w.sched.actors.filter((a) => a.name === "ensure_indices (detached)");
    await w.join(...detached);
    const indices = (await w.storage.datasets.checkout(tablePathForTableKey(PERSON), null, await pin(w, PERSON))).indices;
    return { applied: applied.applied, detached: detached.length, person: (await pinsAndHeads(w, PERSON))[PERSON], indices };
  });
  expect(off).toEqual({ applied: true, detached: 1, person: [7, 7], indices: ["btree:id", "fts:name"] });
  expect(on).toEqual({ applied: true, detached: 0, person: [5, 5], indices: [] });
});

test("readSetToken (today: a changed graph head voids the validation and re-prepares): on regress-298, the stale @card pass is caught", async () => {
  const { off, on } = await offAndOn(
    "readSetToken",
    async (w) => {
      const b = await staleCardinalityInsert(w);
      return { result: b.ok ? "ok" : [b.error.kind, b.error.details], edges: await worksAt(w) };
    },
    PROFILES["regress-298"],
  );
  expect(off).toEqual({
    result: "ok",
    edges: [
      ["Alice", "Acme"],
      ["Alice", "Beta"],
    ],
  });
  expect(on).toEqual({ result: ["CardinalityViolation", { edge: "WorksAt", source: "Alice", count: 2, min: 0, max: 1 }], edges: [["Alice", "Acme"]] });
});

test("probeOnWrite (today: the probe refreshes the base, strict ops still judge the observed view): a stale handle's edge to a new node", async () => {
  const { off, on } = await offAndOn("probeOnWrite", async (w) => {
    const a = await startProcess(w, "a").init();
    await a.mutate([person("Alice")]);
    const b = await startProcess(w, "b").open();
    await a.mutate([person("Zed")]);
    const r = await settle(b.mutate([edge("Knows", "Alice", "Zed")]));
    return { result: r.ok ? "ok" : [r.error.kind, r.error.details], knows: await publishedIds(w, KNOWS) };
  });
  expect(off).toEqual({ result: ["MissingEndpoint", { edge: "Knows", role: "dst", nodeType: "Person", id: "Zed" }], knows: [] });
  expect(on.result).toBe("ok");
  expect(on.knows).toHaveLength(1);
});

test("probeOnWrite judges the view from before the write's heal: a stale strict update after another handle's write whose sidecar delete failed succeeds without it, fails with it", async () => {
  const { off, on } = await offAndOn(
    "probeOnWrite",
    async (w) => {
      const a = await startProcess(w, "a").init();
      await a.mutate([person("Alice", 30)]);
      const b = await startProcess(w, "b").open();
      // a's update publishes, then its best-effort sidecar delete fails: the sidecar stays.
      w.failpoints.set(FP.RECOVERY_SIDECAR_DELETE, { kind: "error", times: 1 });
      await a.mutate([{ kind: "updateNode", type: "Person", where: byId("Alice"), set: { age: 31 } }]);
      const left = (await sidecarKeys(w)).length;
      // b never looked since; its heal finds the sidecar and refreshes b's coordinator.
      const r = await settle(b.mutate([{ kind: "updateNode", type: "Person", where: byId("Alice"), set: { age: 40 } }]));
      return { left, result: r.ok ? "ok" : r.error.kind };
    },
    PROFILES.upstream,
  );
  expect(off).toEqual({ left: 1, result: "ok" });
  expect(on).toEqual({ left: 1, result: "ExpectedVersionMismatch" });
});

test("opClassPrecondition (today: only the strict open's check): a stale strict update after an external compaction", async () => {
  const run = async (w: World, external: "optimize" | "insert") => {
    await initFourPeople(w);
    const served = await startProcess(w, "served").open();
    const x = await startProcess(w, "external").open();
    if (external === "optimize") await x.optimize();
    else await x.mutate([person("eve")]);
    const r = await settle(served.mutate([{ kind: "updateNode", type: "Person", where: byId("bob"), set: { age: 40 } }]));
    return r.ok ? "ok" : [r.error.kind, r.error.details];
  };
  const compacted = await offAndOn("opClassPrecondition", (w) => run(w, "optimize"));
  expect(compacted.off).toEqual(["ExpectedVersionMismatch", { tableKey: PERSON, expected: 7, actual: 9 }]);
  expect(compacted.on).toBe("ok");
  // The control: a logical advance still fails loudly with the flag on.
  const inserted = await offAndOn("opClassPrecondition", (w) => run(w, "insert"));
  expect(inserted.on).toEqual(["ExpectedVersionMismatch", { tableKey: PERSON, expected: 7, actual: 8 }]);
});

test("opClassPrecondition reaches the commit section (G3): a compaction committed while a staged write waits for it fails the write without the flag, not with it", async () => {
  // A keyed update stages its merge-insert and waits for the branch lease, which an optimize
  // holds, parked before it compacts Person (the only table with work); a node delete opens
  // WorksAt for its cascade (nothing matches there) and parks before its section while an
  // optimize compacts WorksAt.
  const run = (write: "update" | "delete") =>
    offAndOn(
      "opClassPrecondition",
      async (w) => {
        const g = await initFourPeople(w);
        if (write === "delete") for (const from of ["alice", "bob"]) await g.mutate([company("acme"), edge("WorksAt", from, "acme")]);
        const writer = startProcess(w, "writer");
        const wg = await writer.open();
        const mg = await startProcess(w, "maintenance").open();
        const gate = write === "update" ? FP.OPTIMIZE_BEFORE_COMPACT : FP.MUTATION_POST_STAGE_PRE_EFFECT_GATE;
        w.failpoints.set(gate, { kind: "park" });
        const op: MutationOp = write === "update" ? { kind: "updateNode", type: "Person", where: byId("carol"), set: { age: 40 } } : { kind: "deleteNode", type: "Person", where: byId("dave") };
        let optimized: unknown;
        const optimize = async () => void (optimized = (await mg.optimize()).filter((t) => t.committed).map((t) => t.tableKey).sort());
        let writing: Actor;
        if (write === "update") {
          const opt = startProcess(w, "optimizer").spawn("optimize", optimize);
          await w.until("optimize parked holding the lease", () => w.failpoints.reached(gate));
          writing = writer.spawn("write", () => wg.mutate([op]));
          await w.until("the write staged and waits for the lease", () => writing.ended || (writing.pending?.step.label ?? "").startsWith("sleep"));
          w.failpoints.release(gate);
          await w.join(opt, writing);
        } else {
          writing = writer.spawn("write", () => wg.mutate([op]));
          await w.until("the write staged", () => w.failpoints.reached(gate));
          await optimize();
          w.failpoints.release(gate);
          await w.join(writing);
        }
        const r = outcomeOf(writing);
        return { optimized, result: r.ok ? "ok" : r.error.kind };
      },
      PROFILES.fixed,
    );
  const update = await run("update");
  expect(update.off).toEqual({ optimized: [PERSON], result: "ExpectedVersionMismatch" });
  expect(update.on).toEqual({ optimized: [PERSON], result: "ok" });
  const del = await run("delete");
  expect(del.off).toEqual({ optimized: [WORKS_AT, COMPANY, PERSON], result: "ExpectedVersionMismatch" });
  expect(del.on).toEqual({ optimized: [WORKS_AT, COMPANY, PERSON], result: "ok" });
});

test("txnCatalog: after another handle's apply drops a property, a long-lived handle's update writes it back without the flag, not with it", async () => {
  const withNickname = CARDINALITY_SCHEMA.replace("age: I32?", "age: I32?  nickname: String?");
  const both = await offAndOn(
    "txnCatalog",
    async (w) => {
      const a = await startProcess(w, "a").init(withNickname);
      await a.mutate([person("Alice", 30)]);
      const b = await startProcess(w, "b").open();
      expect((await a.applySchema(CARDINALITY_SCHEMA, { allowDataLoss: true })).applied).toBe(true);
      // b's view catches up (an insert probes and publishes); its warm catalog does not.
      await b.mutate([person("Bob", 40)]);
      const r = await settle(b.mutate([{ kind: "updateNode", type: "Person", where: byId("Alice"), set: { age: 31 } }]));
      const rows = (await w.storage.datasets.checkout(tablePathForTableKey(PERSON), null, await pin(w, PERSON))).rows;
      return { result: r.ok ? "ok" : r.error.kind, columns: [...new Set(rows.flatMap((row) => Object.keys(row)))].sort() };
    },
    PROFILES.fixed,
  );
  expect(both).toEqual({ off: { result: "ok", columns: ["age", "id", "name", "nickname"] }, on: { result: "ok", columns: ["age", "id", "name"] } });
});

test("stagedDeletes (today: deletes staged under the sidecar): a sidecar PUT failure leaves uncovered drift without it, none with it", async () => {
  const { off, on } = await offAndOn("stagedDeletes", async (w) => {
    const g = await initAndLoad(w);
    const before = await pinsAndHeads(w, PERSON, KNOWS, WORKS_AT);
    await failsAt(w, FP.RECOVERY_SIDECAR_WRITE, () => g.mutate([{ kind: "deleteNode", type: "Person", where: byId("Alice") }]));
    const after = await pinsAndHeads(w, PERSON, KNOWS, WORKS_AT);
    const next = await settle(g.mutate([person("Zed")]));
    return { before, after, sidecars: (await sidecarKeys(w)).length, next: next.ok ? "ok" : [next.error.kind, next.error.details] };
  });
  expect(off.before).toEqual({ [PERSON]: [4, 4], [KNOWS]: [5, 5], [WORKS_AT]: [5, 5] });
  expect(off.after).toEqual({ [PERSON]: [4, 5], [KNOWS]: [5, 6], [WORKS_AT]: [5, 6] });
  expect(off.sidecars).toBe(0);
  expect(off.next).toEqual(["DriftAhead", { tableKey: PERSON, head: 5, pinned: 4, sidecarRequiresRollback: false }]);
  expect(on).toEqual({ before: off.before, after: off.before, sidecars: 0, next: "ok" });
});

test("noWritePathIndexBuild (today: the publish builds no index): a first insert publishes its merge alone", async () => {
  const { off, on } = await offAndOn("noWritePathIndexBuild", async (w) => {
    const g = await startProcess(w, "app").init();
    await g.mutate([person("Alice")]);
    const at = await pin(w, PERSON);
    return { pin: at, head: await head(w, PERSON), indices: (await w.storage.datasets.checkout(tablePathForTableKey(PERSON), null, at)).indices };
  });
  expect(off).toEqual({ pin: 4, head: 4, indices: ["btree:id", "fts:name"] });
  expect(on).toEqual({ pin: 2, head: 2, indices: [] });
});
