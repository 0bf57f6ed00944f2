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
import { FP } from "../failpoints/catalog.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

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
    // The insert heals and stages first: at `62a9c3fe` a write whose heal finds the optimize's
    // sidecar already pending refuses RecoveryRequired (`writeBarrier`). Upstream lists
    // `__recovery/` once more under the write's gates (commit_all's pending-sidecar refusal,
    // not modelled: docs/fidelity.md), so there the optimize must arm its sidecar after that
    // listing; the model's window is any time after the heal.
    world.failpoints.set(FP.MUTATION_POST_STAGE_PRE_EFFECT_GATE, { kind: "park" });
    const insert = w.spawn("writer", (c) => c.mutate("insert Eve", [person("Eve")]));
    await world.until("the insert healed, staged and parked", () => world.failpoints.reached(FP.MUTATION_POST_STAGE_PRE_EFFECT_GATE));
    world.failpoints.set(FP.OPTIMIZE_BEFORE_COMPACT, { kind: "error", times: 1 });
    await o.optimize();
    world.failpoints.release(FP.MUTATION_POST_STAGE_PRE_EFFECT_GATE);
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
