// B6: a writer (here optimize) is past Phase A: its sidecar is written, no commit yet. Another
// process opens the graph; the sweep classifies NoMovement, rolls the sidecar "back" (nothing to
// restore), audits RolledBack and deletes it. The writer then commits and crashes before its
// publish: drift no sidecar covers, and a misleading audit row.
import { FP } from "../failpoints/catalog.ts";
import { Client } from "./kit/client.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

const SEED = [[person("A1")], [person("A2")]];

export const sweepDiscardsLiveSidecar: Scenario = {
  name: "sweep-discards-live-sidecar",
  claim: {
    kind: "bug",
    bug: "B6",
    redProfile: "seed",
    // The deletion itself, then what it leaves once the writer dies: drift no sidecar covers, and
    // a probe write refused by the drift guard. A live merge whose BranchMerge sidecar another
    // process rolled forward publishes the registration recovery already published (the branch
    // scenarios meet it): "table version N already exists", with the deletion in that universe.
    // A heal that takes a live writer's sidecar for a stale one audits it before the writer is
    // done, so the audit misstates what the writer did (F14's symptom, with the deletion here).
    symptoms: [
      { kind: "live-sidecar-deleted" },
      { kind: "drift-after-recovery" },
      { kind: "wedged-write", errorKind: "DriftAhead", actor: "director" },
      { kind: "unexpected-error", errorKind: "ConcurrentModification", opKind: "branchMerge", alongside: ["live-sidecar-deleted"] },
      { kind: "audit-mismatch", alongside: ["live-sidecar-deleted"] },
    ],
    closedBy: ["ownerLease"],
  },
  summary: "an open's sweep deletes a live optimize's sidecar; the optimize's crash leaves uncovered drift",
  crashBudget: 1,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const o = await openIn(ctx, "optimizer", { crashable: true });
    world.failpoints.set(FP.OPTIMIZE_BEFORE_COMPACT, { kind: "park" });
    world.failpoints.set(FP.OPTIMIZE_POST_PHASE_B_PRE_MANIFEST_COMMIT, { kind: "crash" });
    const opt = o.spawn("optimize", (c) => c.optimize());
    await world.until("optimize wrote its sidecar and parked", () => world.failpoints.reached(FP.OPTIMIZE_BEFORE_COMPACT));
    const opener = world.spawn(world.process("opener"), "opener", () => Client.open(ctx, world.sched.current!.proc, "opener"));
    await world.join(opener);
    world.failpoints.release(FP.OPTIMIZE_BEFORE_COMPACT);
    await world.join(opt);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const o = await openIn(ctx, "optimizer", { crashable: true });
    const opt = o.spawn("optimize", (c) => c.optimize());
    await world.stagger("the opener starts after optimize's k-th step", opt, 80);
    const proc = world.process("opener", { crashable: true });
    const opener = world.spawn(proc, "opener", () => Client.open(ctx, proc, "opener"));
    await world.join(opt, opener);
  },
};
