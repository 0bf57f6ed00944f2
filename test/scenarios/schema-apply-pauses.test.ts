// schema-apply-pauses reaches a schedule the publisher's lease fence guards: a schema apply paused
// past its lease on a staging put, a writer of another process taking the lease over (recovering
// the apply's sidecar) before the apply wakes. With the fence the apply fails and `fixed` is green.
// The fence no longer guards it alone: since the apply's publish under `readSetToken` expects the
// graph head and the pins it captured (62a9c3fe's ExactGraphHead), a fence that accepts an expired
// lease (the mutant `lease-fence-unchecked`, stood in for by a mock of `fenceRow`) still sees the
// apply refused, at its publish, and `fixed` stays green: the mutant survives this cell.
import { beforeEach, expect, test, vi } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { leaseObjectId, branchLeaseResource } from "../../engine/lease/lease.ts";
import { findScenario } from "../../scenarios/registry.ts";
import { formSpec } from "../../scenarios/types.ts";
import { portfolioFor } from "../../scenarios/verify/checks.ts";
import { runUniverse } from "../../sim/universe.ts";

/** Whether the mocked fence lets a publish through on a lease that ran out and is free. */
const mutant = vi.hoisted(() => ({ acceptExpired: false }));

vi.mock("../../engine/lease/lease.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../engine/lease/lease.ts")>();
  const fenceRow: typeof real.fenceRow = (env, state, lease) =>
    mutant.acceptExpired && real.liveHolder(state, lease.resource, env.clock.now()) === null
      ? real.leaseRow(lease.resource, { owner: lease.owner, untilMs: env.clock.now() + real.LEASE_TTL_MS })
      : real.fenceRow(env, state, lease);
  return { ...real, fenceRow };
});

beforeEach(() => {
  mutant.acceptExpired = false;
});

/** Universes searched for the schedule: the first seed of these on `fixed` that reaches it. */
const SEEDS = 200;

async function universe(seed: number) {
  const s = findScenario("schema-apply-pauses")!;
  const strategy = (await portfolioFor(s, PROFILES.fixed))(seed);
  return runUniverse({ spec: formSpec(s, "searched"), seed, fixes: PROFILES.fixed, strategy });
}

type Result = Awaited<ReturnType<typeof universe>>;

/** The apply's pause past its lease on a staging put, then a writer's lease merge before any of the apply's: the index of the pause, or -1. */
function takeoverAfterPause(r: Result): number {
  const events = r.trace.events();
  const pause = events.findIndex((e) => e.e === "fault" && e.actor === "apply" && e.kind === "latency" && e.limit === true && e.op === "objects.put" && String(e.subject).endsWith(".staging"));
  if (pause < 0) return -1;
  const lease = leaseObjectId(branchLeaseResource(null));
  const merges = events
    .slice(pause)
    .filter((e) => e.e === "io" && e.op === "manifest.merge" && "ok" in e && ((e.args as { rows?: unknown }).rows as unknown[] | undefined)?.includes(lease))
    .map((e) => (e as { actor: string }).actor);
  return merges.length > 0 && /^w\d$/.test(merges[0]!) ? pause : -1;
}

let found: number | null = null;
async function schedule(): Promise<number> {
  if (found !== null) return found;
  for (let seed = 1; seed <= SEEDS; seed++) {
    if (takeoverAfterPause(await universe(seed)) >= 0) return (found = seed);
  }
  throw new Error(`no universe of seeds 1-${SEEDS} on fixed paused an apply past its lease before a writer's takeover`);
}

test("on fixed a paused apply's lease is taken over before its publish, and the apply fails with its own error and no violation", { timeout: 120_000 }, async () => {
  const r = await universe(await schedule());
  expect(takeoverAfterPause(r)).toBeGreaterThan(-1);
  const failed = r.trace.events().filter((e) => e.e === "op" && String(e.label).startsWith("applier: schema apply") && e.status === "err");
  expect(failed.length).toBeGreaterThan(0);
  // Its lock release meets the lock its successor's recovery cleared; as upstream, the apply
  // reports its own error (the lease it lost), not the release's storage error.
  const errors = failed.map((e) => (e as { error?: string }).error);
  expect(errors[0]).toBeDefined();
  expect(errors).not.toContain("StorageError");
  expect(r.violations.map((v) => v.message)).toEqual([]);
});

test("with a fence that accepts an expired lease the same universe stays green: the apply's conditional publish refuses it", { timeout: 120_000 }, async () => {
  const seed = await schedule();
  mutant.acceptExpired = true;
  const r = await universe(seed);
  expect(takeoverAfterPause(r)).toBeGreaterThan(-1);
  const failed = r.trace.events().filter((e) => e.e === "op" && String(e.label).startsWith("applier: schema apply") && e.status === "err");
  expect(failed.length).toBeGreaterThan(0);
  expect(r.violations.map((v) => v.message)).toEqual([]);
});
