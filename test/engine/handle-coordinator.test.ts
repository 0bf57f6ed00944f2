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
import { pin, PERSON, person, rejects, settle, startProcess } from "./support.ts";
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
