// optimize-beside-dead-writer is a control: optimize's refusal beside a pending sidecar keeps a
// dead writer's sidecar from being audited forward over optimize's pin move. Its scripted form
// must show the refusal on every profile, and must go red where the refusal is gone: a stand-in
// for an optimize that ignores pending sidecars (the sidecars taken out of the store while it
// runs, out of the trace's sight) is caught by the recovery-audit oracle on the profiles whose
// optimize does not recover first.
import { expect, test } from "vitest";
import { PROFILES, type ProfileName } from "../../engine/fixes.ts";
import { RECOVERY_DIR } from "../../engine/manifest/layout.ts";
import { type AroundOptimize, optimizeBesideDeadWriter, writerDiesThenOptimize } from "../../scenarios/optimize-beside-dead-writer.ts";
import { formSpec, type Scenario } from "../../scenarios/types.ts";
import { runUniverse } from "../../sim/universe.ts";
import type { World } from "../../sim/world.ts";

const run = (s: Scenario, profile: ProfileName) => runUniverse({ spec: formSpec(s, "scripted"), seed: 1, fixes: PROFILES[profile] });

/** The optimize's outcome in a universe's trace: its status and error kind. */
function optimizeOutcome(world: World): { status: unknown; error: unknown } | undefined {
  const op = world.trace.events().findLast((e) => e.e === "op" && e.label === "optimizer: optimize") as { status?: unknown; error?: unknown } | undefined;
  return op && { status: op.status, error: op.error };
}

/** Hides every sidecar from the optimize (raw store calls: no trace event, no scheduling point). */
const hidden: AroundOptimize = async (world, optimize) => {
  const objects = world.backend.storage.objects;
  const saved = await Promise.all((await objects.list(RECOVERY_DIR)).map(async (key) => [key, await objects.get(key)] as const));
  for (const [key] of saved) await objects.delete(key);
  await optimize();
  for (const [key, body] of saved) await objects.put(key, body);
};

const ignoring: Scenario = { ...optimizeBesideDeadWriter, scripted: (ctx) => writerDiesThenOptimize(ctx, hidden) };

test.each(["seed", "upstream", "fixed"] as const)("scripted on %s: optimize refuses RecoveryRequired beside the dead writer's sidecar, and nothing is wrong", async (profile) => {
  const r = await run(optimizeBesideDeadWriter, profile);
  expect(r.world.trace.events().some((e) => e.e === "crash" && e.proc === "writer")).toBe(true);
  expect(optimizeOutcome(r.world)).toEqual({ status: "err", error: "RecoveryRequired" });
  expect(r.violations).toEqual([]);
});

test.each(["seed", "upstream"] as const)("an optimize blind to the sidecar on %s compacts, and recovery audits the dead writer RolledForward: audit-mismatch", async (profile) => {
  const r = await run(ignoring, profile);
  expect(optimizeOutcome(r.world)).toEqual({ status: "ok", error: undefined });
  expect(r.violations.map((v) => v.kind)).toEqual(["audit-mismatch"]);
  expect(r.violations[0]!.message).toContain("never committed node:Person");
});
