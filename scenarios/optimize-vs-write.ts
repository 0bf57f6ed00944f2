// B3 (#297): optimize writes its sidecar and pauses before compacting; a writer on another
// handle inserts and publishes; the compaction rebases cleanly, but before #297 the publish
// expects the pin it started from and fails with ExpectedVersionMismatch. Mirrors upstream
// `optimize_survives_concurrent_insert_advancing_manifest`.
import { FP } from "../failpoints/catalog.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

/** Four separate inserts: four fragments, so compaction has work. */
const SEED = [[person("A1")], [person("A2")], [person("A3")], [person("A4")]];

export const optimizeVsWrite: Scenario = {
  name: "optimize-vs-write",
  claim: {
    kind: "bug",
    bug: "B3",
    redProfile: "regress-297",
    // Upstream's two failures before #297: the equality publish after a concurrent publish, and
    // a Lance conflict of the compaction with a concurrent delete of a compacted row.
    symptoms: [
      { kind: "maintenance-failed", errorKind: "ExpectedVersionMismatch", opKind: "optimize" },
      { kind: "maintenance-failed", errorKind: "LanceCommitConflict", opKind: "optimize" },
    ],
    closedBy: ["fix297"],
    masks: [{ flags: ["ownerLease"], why: "optimize and the writer both commit under the branch lease, so the write cannot land between optimize's plan and its publish" }],
  },
  summary: "optimize fails when a writer on another handle publishes while it compacts (#297)",
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const o = await openIn(ctx, "optimizer");
    const w = await openIn(ctx, "writer");
    world.failpoints.set(FP.OPTIMIZE_BEFORE_COMPACT, { kind: "park" });
    const opt = o.spawn("optimize", (c) => c.optimize());
    await world.until("optimize parked before compacting", () => world.failpoints.reached(FP.OPTIMIZE_BEFORE_COMPACT));
    const write = w.spawn("insert", (c) => c.mutate("insert Eve", [person("Eve")]));
    await world.until("the insert finished or waits", () => world.isBlocked(write));
    world.failpoints.release(FP.OPTIMIZE_BEFORE_COMPACT);
    await world.join(opt, write);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const o = await openIn(ctx, "optimizer", { crashable: true });
    const w = await openIn(ctx, "writer", { crashable: true });
    // Upstream's two cases: a concurrent insert, or a concurrent delete of a compacted row.
    const write = world.chance("the writer deletes A1 instead of inserting Eve")
      ? w.spawn("delete", (c) => c.mutate("delete A1", [{ kind: "deleteNode", type: "Person", where: [{ column: "id", equals: "A1" }] }]))
      : w.spawn("insert", (c) => c.mutate("insert Eve", [person("Eve")]));
    await world.join(o.spawn("optimize", (c) => c.optimize()), write);
  },
};
