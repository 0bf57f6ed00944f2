// A handle's coordinator: one slot (upstream's `RwLock<GraphCoordinator>`) holding one branch's
// warm snapshot, which a merge on the handle swaps to its target and back, and `syncBranch` binds
// to a branch. A publish goes through the coordinator in the slot under the slot's guard; main's
// recovery judges main's sidecars against main, whatever branch the slot holds.
import { expect, test } from "vitest";
import { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { Coordinator } from "../../engine/manifest/coordinator.ts";
import type { Storage } from "../../engine/storage/types.ts";
import { byId } from "../../engine/write/ops.ts";
import { inWorld } from "./helpers.ts";
import { auditRows, outcomeOf, pin, PERSON, person, rejects, settle, sidecarKeys, startProcess } from "./support.ts";
import { plantBranchSidecar } from "./branch-support.ts";
import { Snapshot } from "../../engine/manifest/snapshot.ts";
import { FP } from "../../failpoints/catalog.ts";
import { PROFILES } from "../../engine/fixes.ts";

test("a write whose publish a merge's restore of a stale coordinator lands under keeps the handle on its own publish: its next strict update goes through", async () => {
  // random-workload-branches on fixed (random seed 633): a merge into main on the handle swapped
  // in a fresh main coordinator, a write on main published through it, and the merge restored
  // and refreshed the old one before that publish landed; the handle's next update expected the
  // version before its own write (ExpectedVersionMismatch, with nobody else writing).
  await inWorld(async (w) => {
    const p = startProcess(w, "app");
    const g = await p.init();
    await g.mutate([person("Alice")]);
    const raw = p.env.storage;
    let handle: Omnigraph | null = null;
    let restore: Coordinator | null = null;
    const restoring = new Proxy(raw.manifest, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== "merge") return typeof value === "function" ? value.bind(target) : value;
        return async (...args: Parameters<typeof raw.manifest.merge>) => {
          const result = await raw.manifest.merge(...args);
          // The merge's restore lands while this publish is in flight (once).
          if (restore !== null && handle !== null) {
            handle.handle.coordinator = restore;
            restore = null;
          }
          return result;
        };
      },
    });
    handle = await Omnigraph.open({ ...p.env, storage: { ...raw, manifest: restoring } as Storage }, { name: "app", served: false, mode: "ReadWrite" });
    restore = await Coordinator.open(p.env, null, handle.handle.id);
    await handle.mutate([person("Bob")]);
    expect(handle.handle.coordinator.snapshot.entry(PERSON)!.version).toBe(await pin(w, PERSON));
    const update = await settle(handle.mutate([{ kind: "updateNode", type: "Person", where: byId("Bob"), set: { age: 40 } }]));
    expect(update.ok ? "ok" : update.error.kind).toBe("ok");
  });
});

test("a write on main from a handle bound to a branch deleted since recovers against main, not the deleted branch", async () => {
  // random-workload-branches on fixed (random seed 712): a merge into b0 had swapped the handle's
  // coordinator to b0 and another process deleted b0; a load on main from that handle refreshed
  // b0's coordinator for its recovery under main's lease and failed BranchNotFound.
  await inWorld(async (w) => {
    const p = startProcess(w, "app");
    const g = await p.init();
    await g.branchCreate("b0");
    const bound = await p.open();
    await bound.syncBranch("b0");
    await g.branchDelete("b0");
    await rejects(bound.mutate([person("OnB0")]), "BranchNotFound");
    const onMain = await settle(bound.mutate([person("OnMain")], null, { branch: "main" }));
    expect(onMain.ok ? "ok" : onMain.error.kind).toBe("ok");
  }, { fixes: PROFILES.fixed });
});

test("under ownerLease a branch delete waits for a committer on the branch in another process: its sidecar is never orphaned while it runs", async () => {
  // random-workload-branches on fixed (portfolio seed 191): b1 was deleted while a write on it in
  // another process had its sidecar written, and a third process's recovery discarded that
  // sidecar as an orphan while the writer still ran.
  await inWorld(async (w) => {
    const p = startProcess(w, "writer");
    const g = await p.init();
    await g.branchCreate("b1");
    await g.mutate([person("A")], null, { branch: "b1" });
    const d = startProcess(w, "deleter");
    const other = await d.open();
    w.failpoints.set(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, { kind: "park" });
    const writer = p.spawn("writer", () => g.mutate([person("B")], null, { branch: "b1" }));
    await w.until("the write parks with its sidecar written", () => w.failpoints.reached(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER));
    w.failpoints.clear(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER);
    const deleter = d.spawn("deleter", () => other.branchDelete("b1"));
    const started = w.clock.now();
    await w.until("the delete ends, or a second of virtual time passes", () => deleter.ended || w.clock.now() > started + 1_000);
    const deletedUnderWriter = deleter.ended;
    w.failpoints.release(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER);
    await w.join(writer, deleter);
    const wrote = outcomeOf(writer);
    expect({ deletedUnderWriter, write: wrote.ok ? "ok" : wrote.error.kind, deleted: outcomeOf(deleter).ok }).toEqual({ deletedUnderWriter: false, write: "ok", deleted: true });
  }, { fixes: PROFILES.fixed });
});

test("under ownerLease two processes opening at once discard an orphaned branch sidecar once, audited once", async () => {
  // random-workload-branches on fixed (portfolio seed 384): two recoveries of a deleted branch's
  // sidecar, in two processes, both found no audit row and both appended one.
  await inWorld(async (w) => {
    const g = await startProcess(w, "setup").init();
    await g.branchCreate("b0");
    await g.mutate([person("OnB0")], null, { branch: "b0" });
    const fork = Snapshot.fromManifest(await w.storage.manifest.load("b0")).entry(PERSON)!;
    await g.branchDelete("b0");
    await plantBranchSidecar(w, { operationId: "01JXT21R7RVBAJ29TTQMK67EF1", branch: "b0", tableKey: PERSON, expected: fork.version, post: fork.version + 1, tableBranch: fork.branch });
    const a = startProcess(w, "a");
    const b = startProcess(w, "b");
    // a's discard parks between its check for an audit row and its append; b opens meanwhile.
    w.failpoints.set(FP.RECOVERY_ORPHAN_DISCARD_AUDIT_APPEND, { kind: "park" });
    const openA = a.spawn("open-a", () => a.open());
    await w.until("a's discard parks before its audit", () => w.failpoints.reached(FP.RECOVERY_ORPHAN_DISCARD_AUDIT_APPEND));
    w.failpoints.clear(FP.RECOVERY_ORPHAN_DISCARD_AUDIT_APPEND);
    const openB = b.spawn("open-b", () => b.open());
    await w.join(openB);
    w.failpoints.release(FP.RECOVERY_ORPHAN_DISCARD_AUDIT_APPEND);
    await w.join(openA);
    const opens = [openA, openB];
    expect(opens.map((o) => outcomeOf(o).ok)).toEqual([true, true]);
    expect((await auditRows(w)).filter((r) => r.recovery_kind === "OrphanedBranchDiscarded")).toHaveLength(1);
    expect(await sidecarKeys(w)).toEqual([]);
  }, { fixes: PROFILES.fixed });
});
