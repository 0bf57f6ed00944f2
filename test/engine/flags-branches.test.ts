// Branch flags, each in one small situation with the flag off and on, on top of the fixed
// profile: `branchRecoveryBarrier` (RFC-022's recovery barrier on branch creation, #343) and
// `healMissingLineage` (#311's lineage read from the manifest), `optimizeMergeGate` (#343 and
// #351's root schema gate around a merge and an optimize), `mergeLineageInPublish` (#299: a
// merge commit in the same publish as its tables).
import { expect, test } from "vitest";
import { type Fixes, PROFILES } from "../../engine/fixes.ts";
import { Omnigraph } from "../../engine/graph/omnigraph.ts";
import type { Storage } from "../../engine/storage/types.ts";
import { type CommitGraphView, readCommitGraph } from "../../engine/manifest/commit-graph.ts";
import { GRAPH_COMMITS } from "../../engine/manifest/layout.ts";
import { Snapshot } from "../../engine/manifest/snapshot.ts";
import type { World } from "../../sim/world.ts";
import { FP } from "../../failpoints/catalog.ts";
import { plantBranchSidecar } from "./branch-support.ts";
import { inWorld } from "./helpers.ts";
import { auditRows, outcomeOf, PERSON, person, settle, startProcess } from "./support.ts";

async function pinOn(w: World, branch: string | null) {
  return Snapshot.fromManifest(await w.storage.manifest.load(branch)).entry(PERSON)!;
}

test("branchRecoveryBarrier: a sidecar of a write on a deleted branch wedges every open once the name is made again without it; the create discards it with it", async () => {
  // random-workload-branches on fixed (random seeds 87, 649, 652): a write on b0 left its sidecar
  // (its publish met b0 deleted), b0 was made again from main, and recovery classified the old
  // sidecar against the new b0's pins, versions of main's lineage above the old fork's HEAD.
  const run = (on: boolean) => {
    let outcome: { opened: boolean; error: string | null; orphanAudits: number } | null = null;
    const fixes: Fixes = { ...PROFILES.fixed, branchRecoveryBarrier: on };
    return inWorld(async (w) => {
      const g = await startProcess(w, "setup").init();
      await g.branchCreate("b0");
      await g.mutate([person("OnB0")], null, { branch: "b0" });
      const fork = await pinOn(w, "b0");
      expect(fork.branch).not.toBeNull();
      await g.mutate([person("M1")]);
      await g.mutate([person("M2")]);
      await g.branchDelete("b0");
      // The dead write's sidecar: it committed on the old fork above its pin, then its publish
      // found b0 gone.
      await plantBranchSidecar(w, { operationId: "01JXT21V0N5943N700ZH9BFGY9", branch: "b0", tableKey: PERSON, expected: fork.version, post: fork.version + 1, tableBranch: fork.branch });
      await g.branchCreate("b0");
      expect((await pinOn(w, "b0")).version).toBeGreaterThan(fork.version);
      const opened = await settle(startProcess(w, "reopen").open());
      outcome = {
        opened: opened.ok,
        error: opened.ok ? null : opened.error.kind,
        orphanAudits: (await auditRows(w)).filter((r) => r.recovery_kind === "OrphanedBranchDiscarded").length,
      };
    }, { fixes }).then(() => outcome!);
  };
  expect(await run(false)).toEqual({ opened: false, error: "RecoveryInvariantViolation", orphanAudits: 0 });
  expect(await run(true)).toEqual({ opened: true, error: null, orphanAudits: 1 });
});

test("healMissingLineage: a branch whose create died before its lineage branch fails every write's graph commit without it; its lineage is forked at the fork point with it", async () => {
  // random-workload-branches on fixed (random seeds 25, 325): the process creating b1 crashed
  // between `__manifest`'s branch and `_graph_commits`'s; b1's writes published and then failed,
  // and the final open's audit of one, recorded on b1's lineage, failed the open.
  const run = (on: boolean) => {
    let outcome: { write: string; lineage: string[] | null } | null = null;
    let before = 0;
    let after = 0;
    return inWorld(async (w) => {
      const g = await startProcess(w, "setup").init();
      await g.mutate([person("before")]);
      before = (await readCommitGraph(startProcess(w, "main-probe-0").env, null))!.head!.manifestVersion;
      // The create's first step alone, at main's head.
      await w.storage.manifest.createBranch("b1", null, await w.storage.manifest.latestVersion(null));
      await g.mutate([person("after")]);
      after = (await readCommitGraph(startProcess(w, "main-probe").env, null))!.head!.manifestVersion;
      const write = await settle(g.mutate([person("OnB1")], null, { branch: "b1" }));
      const view = await settle(readCommitGraph(startProcess(w, "probe").env, "b1"));
      outcome = {
        write: write.ok ? "ok" : write.error.kind,
        // The lineage's manifest versions per branch: main's up to the fork, then b1's own.
        lineage: view.ok ? [...(view.value as CommitGraphView).commits.values()].map((c) => `${c.manifestBranch ?? "main"}@${c.manifestVersion}`).sort() : null,
      };
    }, { fixes: { ...PROFILES.fixed, healMissingLineage: on } }).then(() => ({ ...outcome!, before, after }));
  };
  expect(await run(false)).toMatchObject({ write: "BranchNotFound", lineage: null });
  const healed = await run(true);
  expect(healed.write).toBe("ok");
  // Main's commit of "after" (made once b1 existed) is not b1's; the one before is, and so is
  // b1's own write.
  expect(healed.lineage).not.toContain(`main@${healed.after}`);
  expect(healed.lineage).toContain(`main@${healed.before}`);
  expect(healed.lineage!.filter((c) => c.startsWith("b1@"))).toHaveLength(1);
});

test("healMissingLineage: a reader's heal between a live create's two steps leaves the create complete, not failed", async () => {
  // random-workload-branches on fixed, random seed 369: a read of b1's lineage healed it while
  // b1's create was between its manifest branch and its lineage branch; the create's own lineage
  // step then found the branch there (AlreadyExists) and failed.
  await inWorld(async (w) => {
    const p = startProcess(w, "p");
    const g = await p.init();
    const raw = p.env.storage;
    const reader = startProcess(w, "reader").env;
    // The reader heals just before the create's lineage step (after its check for a zombie).
    const healedBetween = new Proxy(raw.datasets, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== "createBranch") return typeof value === "function" ? value.bind(target) : value;
        return async (...args: Parameters<typeof raw.datasets.createBranch>) => {
          if (args[0] === GRAPH_COMMITS && args[1] === "b1") await readCommitGraph(reader, "b1");
          return raw.datasets.createBranch(...args);
        };
      },
    });
    const h = await Omnigraph.open({ ...p.env, storage: { ...raw, datasets: healedBetween } as Storage }, { name: "creator", served: false, mode: "ReadWrite" });
    await h.branchCreate("b1");
    expect(await raw.manifest.listBranches()).toContain("b1");
    await g.mutate([person("OnB1")], null, { branch: "b1" });
  }, { fixes: PROFILES.fixed });
});

test("optimizeMergeGate: an optimize on a handle a merge has swapped to its target publishes into the target without it; it waits for the merge with it", async () => {
  // random-workload-branches on fixed (random seeds 49, 58): a merge of b0 into b1 and an
  // optimize on one handle; optimize's publishes of main's compactions went through b1's
  // coordinator and failed on b1's pins (ExpectedVersionMismatch) until its retries ran out.
  const run = (on: boolean) => {
    let outcome: { optimize: string; merge: string; mainPinMoved: boolean; mergeSwapped: boolean } | null = null;
    return inWorld(async (w) => {
      const p = startProcess(w, "app");
      const g = await p.init();
      for (const name of ["A1", "A2", "A3"]) await g.mutate([person(name)]);
      await g.branchCreate("b0");
      await g.branchCreate("b1");
      await g.mutate([person("OnB0")], null, { branch: "b0" });
      await g.mutate([person("OnB1")], null, { branch: "b1" });
      const before = (await pinOn(w, null)).version;
      // Optimize parks with its sidecar written, past its check for pending recovery.
      w.failpoints.set(FP.OPTIMIZE_BEFORE_COMPACT, { kind: "park" });
      const optimize = p.spawn("optimize", () => g.optimize());
      await w.until("optimize parks before its compaction", () => w.failpoints.reached(FP.OPTIMIZE_BEFORE_COMPACT));
      w.failpoints.clear(FP.OPTIMIZE_BEFORE_COMPACT);
      // The merge swaps the handle's coordinator to b1 and parks there (without the gate), or
      // waits for optimize (with it).
      w.failpoints.set(FP.BRANCH_MERGE_POST_PHASE_B_PRE_MANIFEST_COMMIT, { kind: "park" });
      const merge = p.spawn("merge", () => g.branchMerge("b0", "b1"));
      await w.until("the merge parks inside its swap, or waits", () => w.failpoints.reached(FP.BRANCH_MERGE_POST_PHASE_B_PRE_MANIFEST_COMMIT) || w.isBlocked(merge));
      const mergeSwapped = w.failpoints.reached(FP.BRANCH_MERGE_POST_PHASE_B_PRE_MANIFEST_COMMIT);
      w.failpoints.clear(FP.BRANCH_MERGE_POST_PHASE_B_PRE_MANIFEST_COMMIT);
      w.failpoints.release(FP.OPTIMIZE_BEFORE_COMPACT);
      // Optimize runs to its end either way: without the gate beside the parked merge, with it
      // while the merge waits for it.
      await w.until("optimize ends", () => optimize.ended);
      w.failpoints.release(FP.BRANCH_MERGE_POST_PHASE_B_PRE_MANIFEST_COMMIT);
      await w.join(merge, optimize);
      const o = outcomeOf(optimize);
      const m = outcomeOf(merge);
      outcome = { optimize: o.ok ? "ok" : o.error.kind, merge: m.ok ? "ok" : m.error.kind, mainPinMoved: (await pinOn(w, null)).version > before, mergeSwapped };
    }, { fixes: { ...PROFILES.fixed, optimizeMergeGate: on } }).then(() => outcome!);
  };
  // Without the gate main's pin still moves, but not by optimize's publish: the compaction its
  // refused publish left (with its sidecar) is rolled forward by the recovery under main's lease
  // that optimize's next table runs, which judges main's sidecars against main.
  expect(await run(false)).toEqual({ optimize: "ExpectedVersionMismatch", merge: "ok", mainPinMoved: true, mergeSwapped: true });
  expect(await run(true)).toEqual({ optimize: "ok", merge: "ok", mainPinMoved: true, mergeSwapped: false });
});

test("branchRecoveryBarrier: a sidecar of the name that appears after the barrier's heal refuses the create just before its manifest branch", async () => {
  // random-workload-branches on fixed (random seed 90): the barrier's heal found nothing, then a
  // write on the old b0 (another process) left its sidecar, b0 was deleted, and the create made
  // a new b0 the sidecar was then classified against.
  const run = (on: boolean) => {
    let outcome: { create: string; opened: boolean } | null = null;
    return inWorld(async (w) => {
      const p = startProcess(w, "setup");
      const g = await p.init();
      await g.branchCreate("b0");
      await g.mutate([person("OnB0")], null, { branch: "b0" });
      const fork = await pinOn(w, "b0");
      await g.mutate([person("M1")]);
      await g.mutate([person("M2")]);
      await g.branchDelete("b0");
      const raw = p.env.storage;
      let planted = false;
      // The dead write's sidecar lands while the create reads its source's lineage.
      const late = new Proxy(raw.datasets, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (prop !== "latestVersion") return typeof value === "function" ? value.bind(target) : value;
          return async (...args: Parameters<typeof raw.datasets.latestVersion>) => {
            if (args[0] === GRAPH_COMMITS && !planted) {
              planted = true;
              await plantBranchSidecar(w, { operationId: "01JXT21X3D5ZBMH7B318K6VE71", branch: "b0", tableKey: PERSON, expected: fork.version, post: fork.version + 1, tableBranch: fork.branch });
            }
            return raw.datasets.latestVersion(...args);
          };
        },
      });
      const creator = await Omnigraph.open({ ...p.env, storage: { ...raw, datasets: late } as Storage }, { name: "creator", served: false, mode: "ReadWrite" });
      const created = await settle(creator.branchCreate("b0"));
      const opened = await settle(startProcess(w, "reopen").open());
      outcome = { create: created.ok ? "ok" : created.error.kind, opened: opened.ok };
    }, { fixes: { ...PROFILES.fixed, branchRecoveryBarrier: on } }).then(() => outcome!);
  };
  expect(await run(false)).toEqual({ create: "ok", opened: false });
  // Refused; the next open discards the orphan (b0 does not exist) and opens.
  expect(await run(true)).toEqual({ create: "RecoveryRequired", opened: true });
});

test("mergeLineageInPublish: a merge that fails after its publish leaves its rows without their merged parent without it; its lineage is recorded with it", async () => {
  // merge-false-conflict seed 152 on fixed, once the swarm knob faulted merges: s's merge of x
  // failed at graph_publish.after_manifest_commit; s held x's row with no merge commit, so the
  // final merge of s into t found an older base and a false divergent-update conflict.
  const run = (on: boolean) => {
    let outcome: { merge: string; mergedParents: number } | null = null;
    return inWorld(async (w) => {
      const p = startProcess(w, "app");
      const g = await p.init();
      await g.branchCreate("x");
      await g.branchCreate("s");
      await g.mutate([person("OnX")], null, { branch: "x" });
      w.failpoints.set(FP.GRAPH_PUBLISH_AFTER_MANIFEST_COMMIT, { kind: "error" });
      const merge = await settle(g.branchMerge("x", "s"));
      w.failpoints.clear(FP.GRAPH_PUBLISH_AFTER_MANIFEST_COMMIT);
      const view = (await readCommitGraph(startProcess(w, "probe").env, "s"))!;
      outcome = { merge: merge.ok ? "ok" : merge.error.kind, mergedParents: [...view.commits.values()].filter((c) => c.mergedParent !== null).length };
    }, { fixes: { ...PROFILES.fixed, mergeLineageInPublish: on } }).then(() => outcome!);
  };
  expect(await run(false)).toEqual({ merge: "InjectedFailure", mergedParents: 0 });
  expect(await run(true)).toEqual({ merge: "InjectedFailure", mergedParents: 1 });
});
