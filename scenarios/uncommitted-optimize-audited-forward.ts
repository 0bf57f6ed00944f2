// F14 (found by omnisim; G2 in its triage): an optimize writes its sidecar and fails before it
// compacts (its sidecar stays, as upstream's does: nothing deletes it on the error path); a
// writer on another handle, whose heal ran before that sidecar existed, then publishes. The next read-write open finds the
// optimize's table at its pin (`NoMovement`) with the pin past the sidecar's expected version,
// which `process_sidecar`'s stale-sidecar rule reads as "a previous roll-forward published", and
// audits the optimize RolledForward although it never committed (upstream `manifest/recovery.rs`,
// `record_audit_recovery_rollforward`, at the seed and, for Optimize sidecars, at `62a9c3fe`).
// The same trust in the loose classifier rolls an optimize's sidecar forward over another
// writer's unpublished commit. The searched form places no fault itself: the seeded fault plan
// fails the optimize where the seed says.
import { RECOVERY_DIR } from "../engine/manifest/layout.ts";
import { FP } from "../failpoints/catalog.ts";
import type { World } from "../sim/world.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

/** How many times `actor` has listed the recovery sidecars. */
function sidecarListings(world: World, actor: string): number {
  return world.trace.events().filter((e) => e.e === "io" && e.op === "objects.list" && "ok" in e && e.actor === actor && String((e.args as { prefix?: unknown }).prefix).startsWith(RECOVERY_DIR)).length;
}

/** Four separate inserts: four fragments, so compaction has work (and writes a sidecar). */
const SEED = [[person("A1")], [person("A2")], [person("A3")], [person("A4")]];

export const uncommittedOptimizeAuditedForward: Scenario = {
  name: "uncommitted-optimize-audited-forward",
  summary: "recovery audits RolledForward an optimize that failed before compacting, once another writer moved its table's pin",
  claim: {
    kind: "bug",
    bug: "F14",
    redProfile: "upstream",
    // A recovery that audits a live optimize's sidecar (B6) misstates it too; that twin leaves
    // the deletion of the live sidecar behind.
    symptoms: [{ kind: "audit-mismatch", opKind: "optimize", unless: ["live-sidecar-deleted"] }],
    closedBy: ["provenRollForward"],
    masks: [
      {
        flags: ["ownerLease"],
        why: "the writer, holding the branch lease, runs the full recovery before its commit, which rolls the failed optimize's sidecar back while its pin is still the expected one",
      },
    ],
  },
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const o = await openIn(ctx, "optimizer");
    const w = await openIn(ctx, "writer");
    // The insert lists `__recovery/` first: at `62a9c3fe` a write refuses RecoveryRequired
    // while a sidecar of its branch is pending, at its heal and again under its gates
    // (`writeBarrier`), so the optimize (another process, none of the writer's gates) arms its
    // sidecar after the writer's second listing, while the writer waits at its own sidecar
    // write. On `fixed` the writer lists once, under its lease (its section's recovery), and
    // finishes first: the optimize then fails beside nothing.
    const insert = w.spawn("writer", (c) => c.mutate("insert Eve", [person("Eve")]));
    await world.until("the insert listed __recovery/ under its gates", () => insert.ended || sidecarListings(world, "writer") >= 2);
    const parked = !insert.ended;
    if (parked) {
      world.failpoints.set(FP.RECOVERY_SIDECAR_WRITE, { kind: "park" });
      await world.until("the insert reached its sidecar write", () => insert.ended || world.failpoints.reached(FP.RECOVERY_SIDECAR_WRITE));
      // The writer stays parked; the optimize's own sidecar write passes.
      world.failpoints.clear(FP.RECOVERY_SIDECAR_WRITE);
    }
    world.failpoints.set(FP.OPTIMIZE_BEFORE_COMPACT, { kind: "error", times: 1 });
    await o.optimize();
    if (parked) world.failpoints.release(FP.RECOVERY_SIDECAR_WRITE);
    await world.join(insert);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    // Only the optimizer's process is crashable, so the seeded plan's faults strike its steps.
    const o = await openIn(ctx, "optimizer", { crashable: true });
    const w = await openIn(ctx, "writer");
    // One to three inserts, each its own publish: each can move the pin past a failed
    // optimize's expected version. (Deletes would add B4's spurious conflicts, which the lease
    // alone orders on `fixed`; the loose arm has its flag test.)
    const writes = 1 + world.choose("further writes", 3);
    const writer = w.spawn("writer", async (c) => {
      for (let i = 0; i < writes; i++) await c.mutate(`insert W${i}`, [person(`W${i}`)]);
    });
    await world.join(o.spawn("optimize", (c) => c.optimize()), writer);
  },
};
