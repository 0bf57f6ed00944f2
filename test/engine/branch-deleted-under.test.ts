// A graph branch deleted between two storage reads of one operation on it: the second read's
// not-found is BranchNotFound, like the first's (docs/fidelity.md: upstream surfaces Lance's own
// not-found error there; the model names it, as it does for every read of a deleted branch).
// random-workload-branches on fixed met both as raw storage errors: a commit-graph read whose
// checkout found the branch gone after its version read (random strategy, seed 27), and a
// publish whose re-read of the manifest it had just committed found the branch gone (seed 84), a
// commit-graph append whose commit found it gone (seed 690), and a branch delete another delete
// of the same branch beat (seed 425).
import { expect, test } from "vitest";
import type { Env } from "../../engine/env.ts";
import { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { Coordinator } from "../../engine/manifest/coordinator.ts";
import { appendGraphCommit, readCommitGraph } from "../../engine/manifest/commit-graph.ts";
import { GRAPH_COMMITS } from "../../engine/manifest/layout.ts";
import type { Storage, Version } from "../../engine/storage/types.ts";
import { inWorld } from "./helpers.ts";
import { PERSON, rejects, startProcess } from "./support.ts";

/** `env` whose storage deletes graph branch `branch` (both its Lance branches) right after `after` returns. */
function deletingAfter(env: Env, branch: string, after: "datasets.latestVersion" | "datasets.checkout" | "manifest.merge"): Env {
  const [area, method] = after.split(".") as ["datasets" | "manifest", string];
  const raw = env.storage;
  const wrapped = new Proxy(raw[area], {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== method || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        await raw.manifest.deleteBranch(branch);
        await raw.datasets.deleteBranch(GRAPH_COMMITS, branch);
        return result;
      };
    },
  });
  const storage = { ...raw, datasets: area === "datasets" ? wrapped : raw.datasets, manifest: area === "manifest" ? wrapped : raw.manifest } as Storage;
  return { ...env, storage };
}

test("a commit-graph read whose branch is deleted between its version read and its checkout fails BranchNotFound", async () => {
  await inWorld(async (w) => {
    const p = startProcess(w, "p");
    const db = await p.init();
    await db.branchCreate("b0");
    await rejects(readCommitGraph(deletingAfter(p.env, "b0", "datasets.latestVersion"), "b0"), "BranchNotFound");
  });
});

test("a commit-graph append whose branch is deleted after its read fails BranchNotFound", async () => {
  // random-workload-branches on fixed, random seed 690: a write's graph commit on b1, b1 deleted
  // between the append's read of the commit graph and its commit.
  await inWorld(async (w) => {
    const p = startProcess(w, "p");
    const db = await p.init();
    await db.branchCreate("b0");
    await rejects(appendGraphCommit(deletingAfter(p.env, "b0", "datasets.checkout"), "b0", 9 as Version, null), "BranchNotFound");
  });
});

test("a publish on a branch deleted right after its manifest merge fails BranchNotFound, not a raw storage error", async () => {
  await inWorld(async (w) => {
    const p = startProcess(w, "p");
    const db = await p.init();
    await db.branchCreate("b0");
    const coordinator = await Coordinator.open(deletingAfter(p.env, "b0", "manifest.merge"), "b0", "test");
    // The manifest rows of a version one above the pin (the publisher reads no table).
    const pinned = coordinator.snapshot.pinned(PERSON);
    await rejects(coordinator.commit([{ kind: "update", tableKey: PERSON, version: (pinned + 1) as Version, branch: null, rowCount: 0 }], null, null), "BranchNotFound");
  });
});

/** A read-write handle whose manifest branch deletes are beaten: `first` runs just before each. */
async function openBeaten(env: Env, first: (name: string) => Promise<unknown>): Promise<Omnigraph> {
  const raw = env.storage;
  const beaten = new Proxy(raw.manifest, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== "deleteBranch") return typeof value === "function" ? value.bind(target) : value;
      return async (name: string) => {
        await first(name);
        return raw.manifest.deleteBranch(name);
      };
    },
  });
  return Omnigraph.open({ ...env, storage: { ...raw, manifest: beaten } as Storage }, { name: "other", served: false, mode: "ReadWrite" });
}

test("a branch delete that another delete of the same branch beat to the manifest fails BranchNotFound", async () => {
  // random-workload-branches on fixed, random seed 425: two deletes of b0 passed their checks
  // together; the second's manifest branch delete found the ref gone, a raw storage error.
  await inWorld(async (w) => {
    const p = startProcess(w, "p");
    const db = await p.init();
    await db.branchCreate("b0");
    const other = await openBeaten(p.env, (name) => p.env.storage.manifest.deleteBranch(name));
    await rejects(other.branchDelete("b0"), "BranchNotFound");
  });
});

test("a branch delete that a branch created from it beat to the manifest fails BranchConflict", async () => {
  // random-workload-branches on fixed, random seed 766: b0 created from b1 after the delete of
  // b1 checked its descendants; Lance refused to delete a referenced ref, a raw storage error.
  await inWorld(async (w) => {
    const p = startProcess(w, "p");
    const db = await p.init();
    await db.branchCreate("b1");
    const raw = p.env.storage.manifest;
    const other = await openBeaten(p.env, async (name) => raw.createBranch("b0", name, await raw.latestVersion(name)));
    await rejects(other.branchDelete("b1"), "BranchConflict");
  });
});

test("a probe of a branch deleted under its coordinator fails BranchNotFound", async () => {
  // random-workload-branches on fixed, random seed 262: a write on b1 probed b1's manifest after
  // b1 was deleted, a raw storage error.
  await inWorld(async (w) => {
    const p = startProcess(w, "p");
    const db = await p.init();
    await db.branchCreate("b0");
    const coordinator = await Coordinator.open(p.env, "b0", "test");
    await db.branchDelete("b0");
    await rejects(coordinator.probe(), "BranchNotFound");
  });
});

test("a branch create whose source is deleted before its manifest branch is made fails BranchNotFound", async () => {
  // random-workload-branches on fixed, random seed 715: b1 created from b0, b0 deleted between
  // the create's read of b0's lineage and its manifest branch, a raw storage error.
  await inWorld(async (w) => {
    const p = startProcess(w, "p");
    const db = await p.init();
    await db.branchCreate("b0");
    const raw = p.env.storage;
    const sourceGone = new Proxy(raw.manifest, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== "createBranch") return typeof value === "function" ? value.bind(target) : value;
        return async (...args: Parameters<typeof raw.manifest.createBranch>) => {
          await raw.manifest.deleteBranch("b0");
          return raw.manifest.createBranch(...args);
        };
      },
    });
    const other = await Omnigraph.open({ ...p.env, storage: { ...raw, manifest: sourceGone } as Storage }, { name: "other", served: false, mode: "ReadWrite" });
    await rejects(other.branchCreateFrom("b0", "b1"), "BranchNotFound");
  });
});

test("a branch created from a branch whose lineage is deleted after the manifest step fails BranchNotFound and leaves no half branch", async () => {
  // random-workload-branches seed 227 with --faults all on fixed: b1's create from b0 made its
  // manifest branch, then b0 was deleted (its lineage branch with it) before the lineage step,
  // whose not-found of b0 surfaced as a raw storage error.
  await inWorld(async (w) => {
    const p = startProcess(w, "p");
    const db = await p.init();
    await db.branchCreate("b0");
    const raw = p.env.storage;
    const beaten = new Proxy(raw.manifest, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== "createBranch") return typeof value === "function" ? value.bind(target) : value;
        return async (...args: Parameters<Storage["manifest"]["createBranch"]>) => {
          await raw.manifest.createBranch(...args);
          await raw.datasets.deleteBranch(GRAPH_COMMITS, "b0");
        };
      },
    });
    const other = await Omnigraph.open({ ...p.env, storage: { ...raw, manifest: beaten } as Storage }, { name: "other", served: false, mode: "ReadWrite" });
    await rejects(other.branchCreateFrom("b0", "b1"), "BranchNotFound", { branch: "b0" });
    expect(await raw.manifest.listBranches()).toEqual(["b0"]);
  });
});
