// A control for F14's stale-sidecar rule, guarding optimize's refusal to run beside a pending
// recovery sidecar (upstream `db/omnigraph/optimize.rs`, `optimize_all_tables` at the seed
// `7d3a52d6`, lines 218-230; `optimize_all_datasets` at `62a9c3fe`, the same probe at 218-231 and
// its relist under the main gate at 807-830; here `engine/maintenance/optimize.ts`). A writer
// dies between its sidecar and its commit; a process that opened before the crash (so no open
// sweep has run since) then optimizes. Were optimize to compact and publish that table, the pin
// would pass the dead writer's expected version with nothing of the writer's in it, and the
// next recovery's stale-sidecar rule (every table `NoMovement`, a pin past the expected version:
// "a previous roll-forward published", seed `manifest/recovery.rs` 1137, the audit at 1370)
// would audit the writer `RolledForward` although it never committed (`audit-mismatch`). So
// optimize refuses, on every profile. Without the refusal `fixed` would still be safe (each
// table's commit section recovers dead committers under the branch lease before optimize plans,
// while the table is still at the expected version: a roll-back); `seed` and `upstream` would
// not (the mutant `optimize-pending-sidecars-ignored`; the hunt's cells of a control are `seed`
// and `fixed`, and it fails on any violation). Nothing after the crash publishes but the
// optimize: a later write of another process would move the pin past the dead writer's sidecar
// itself (F14's road, not optimize's), and a write racing the optimize could arm a sidecar after
// its listing.
import { RECOVERY_DIR } from "../engine/manifest/layout.ts";
import type { World } from "../sim/world.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario, ScenarioContext } from "./types.ts";

/** Four separate inserts: four fragments, so an optimize of node:Person compacts and publishes. */
const SEED = [[person("A1")], [person("A2")], [person("A3")], [person("A4")]];

/** Whether the writer has put a recovery sidecar. */
function sidecarWritten(world: World): boolean {
  return world.trace.events().some((e) => e.e === "io" && e.op === "objects.put" && "ok" in e && e.actor === "writer" && String((e.args as { key?: unknown }).key).startsWith(RECOVERY_DIR));
}

/**
 * Runs optimize; a test's stand-in for an optimize that ignores pending sidecars wraps it (takes
 * the sidecars out of the store before, puts them back after, out of the trace's sight).
 */
export type AroundOptimize = (world: World, optimize: () => Promise<void>) => Promise<void>;

/**
 * The scripted form: the writer's process crashes right after its sidecar put, before its
 * commit; then the optimizer, open since before the crash, optimizes.
 */
export async function writerDiesThenOptimize(ctx: ScenarioContext, around: AroundOptimize = (_, optimize) => optimize()): Promise<void> {
  const { world } = ctx;
  await setupGraph(ctx, CARD_SCHEMA, SEED);
  const o = await openIn(ctx, "optimizer");
  const proc = world.process("writer", { crashable: true });
  const w = await openIn(ctx, "writer", { proc });
  const write = w.spawn("writer", (c) => c.mutate("insert Eve", [person("Eve")]));
  await world.until("the writer put its sidecar", () => sidecarWritten(world) || write.ended);
  world.crash(proc);
  await world.join(write);
  await around(world, () => world.join(o.spawn("optimize", (c) => c.optimize())));
}

export const optimizeBesideDeadWriter: Scenario = {
  name: "optimize-beside-dead-writer",
  summary: "a writer dies between its sidecar and its commit; an optimize in a process opened before must refuse, not compact past it (never red)",
  claim: {
    kind: "control",
    of: "F14",
    why: "optimize refuses while a recovery sidecar is pending: compacting past a dead writer's sidecar would move the pin past its expected version, which the stale-sidecar rule audits as the writer's roll-forward",
  },
  crashBudget: 1,
  // A lower per-write crash chance than the default horizon's (8): the window lies after each
  // insert's validation reads, and the default spends the crash on those more often. Measured
  // with optimize's refusal dropped: 22 of 400 seed universes fail instead of 13.
  crashHorizon: 16,
  probe: PERSON_PROBE,
  scripted: (ctx) => writerDiesThenOptimize(ctx),
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    // Opened before the writer starts: an open after its crash would run the recovery sweep.
    const o = await openIn(ctx, "optimizer");
    // Only the writer's process is crashable: the crash budget's one crash, where the seed
    // says, lands between some insert's sidecar and its commit in a few universes in a hundred.
    const w = await openIn(ctx, "writer", { crashable: true });
    // One to three inserts, each its own sidecar: each a window for the crash.
    const writes = 1 + world.choose("further writes", 3);
    await world.join(
      w.spawn("writer", async (c) => {
        for (let i = 0; i < writes; i++) await c.mutate(`insert W${i}`, [person(`W${i}`)]);
      }),
    );
    await world.join(o.spawn("optimize", (c) => c.optimize()));
  },
};
