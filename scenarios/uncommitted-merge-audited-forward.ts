// #345 (found by omnisim, in `full-reload-merge` on `upstream` under the swarm knob): a merge
// into main writes its BranchMerge sidecar and fails before its first data commit (its sidecar
// stays: nothing deletes it on the error path); a load on main then publishes the table past the
// sidecar's expected version. The next read-write open finds the table at its pin (`NoMovement`)
// with the pin past the expected version, which the stale-sidecar rule reads as "a previous
// roll-forward published", and audits the merge RolledForward although it never committed. F14's
// class on a merge's sidecar, which `provenRollForward`'s proof leaves alone (a merge's commits
// are judged by its Phase-B confirmation). Upstream's #345 (`e0e145aa`) gave the merge's sidecar
// its planned transaction chain and a recovery that owns only that chain, with no stale-sidecar
// rule (`mergeTxnChain`, engine/recovery/merge-txn-chain.ts). The searched form places no fault
// itself: the seeded fault plan fails the merge where the seed says.
import { FP } from "../failpoints/catalog.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { peopleWithReloadBranch, RELOAD_BRANCH as BRANCH } from "./kit/reload.ts";
import type { Scenario } from "./types.ts";

export const uncommittedMergeAuditedForward: Scenario = {
  name: "uncommitted-merge-audited-forward",
  summary: "recovery audits RolledForward a merge that failed before its first commit, once a load moved its table's pin (#345)",
  claim: {
    kind: "bug",
    bug: "#345",
    redProfile: "seed",
    // A recovery that audits a live merge's sidecar (B6) misstates it too; that twin leaves the
    // deletion of the live sidecar behind.
    symptoms: [{ kind: "audit-mismatch", opKind: "branchMerge", unless: ["live-sidecar-deleted"] }],
    closedBy: ["mergeTxnChain"],
    masks: [
      {
        flags: ["ownerLease"],
        why: "the loader, holding the branch lease, runs the full recovery before its commit, which rolls the failed merge's sidecar back while its pin is still the expected one",
      },
    ],
  },
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    const { loader, merger } = await peopleWithReloadBranch(ctx);
    await loader.loadOn(BRANCH, "Alice turns 31 on reload", { mode: "Merge", nodes: { Person: [{ name: "Alice", age: 31 }] } });
    world.failpoints.set(FP.BRANCH_MERGE_ADOPT_AFTER_APPEND_PRE_UPSERT, { kind: "error", times: 1 });
    await merger.branchMerge(BRANCH, "main", { allow: ["InjectedFailure"] });
    await loader.load("load Dan", { mode: "Merge", nodes: { Person: [{ name: "Dan", age: 20 }] } });
  },
  async searched(ctx) {
    const { world } = ctx;
    // Only the merger's process is crashable, so the seeded plan's faults strike its steps.
    const { loader, merger } = await peopleWithReloadBranch(ctx, { crashableMerger: true });
    const change = world.choose("what the branch changes", 2);
    const rows = change === 0 ? [{ name: "Alice", age: 31 }] : [{ name: "Carol", age: 50 }];
    await loader.loadOn(BRANCH, "the branch's load", { mode: "Merge", nodes: { Person: rows } });
    // One to three loads on main, each its own publish: each can move the pin past a failed
    // merge's expected version.
    const loads = 1 + world.choose("loads on main", 3);
    const loading = loader.spawn("loader", async (c) => {
      for (let i = 0; i < loads; i++) await c.load(`load L${i}`, { mode: "Merge", nodes: { Person: [{ name: `L${i}`, age: 20 + i }] } });
    });
    await world.join(merger.spawn("merger", (c) => c.branchMerge(BRANCH, "main")), loading);
  },
};
