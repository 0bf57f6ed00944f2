// schema-apply-pauses reaches the schedule the publisher's lease fence alone guards: a schema
// apply paused past its lease on a staging put, a writer of another process taking the lease
// over (recovering the apply's sidecar) and giving it back before the apply wakes, and the
// apply's publish (no expected versions) then meeting a lease nobody holds. With the fence the
// apply fails LeaseLost and `fixed` is green; with a fence that accepts an expired lease (the
// mutant `lease-fence-unchecked`, stood in for by a mock of `fenceRow`) the apply publishes over
// its successor's recovery, and the hunt's `fixed` cell fails.
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

/** Found by `omnisim run schema-apply-pauses --profile fixed --strategy portfolio` with the fence dropped: its first failing seed. */
const SEED = 9;

async function run() {
  const s = findScenario("schema-apply-pauses")!;
  const strategy = (await portfolioFor(s, PROFILES.fixed))(SEED);
  return runUniverse({ spec: formSpec(s, "searched"), seed: SEED, fixes: PROFILES.fixed, strategy });
}

test(`schema-apply-pauses seed ${SEED} on fixed: a paused apply's lease is taken over and given back before its publish, which the fence refuses`, async () => {
  const r = await run();
  const events = r.trace.events();
  const pause = events.findIndex((e) => e.e === "fault" && e.actor === "apply" && e.kind === "latency" && e.limit === true);
  expect(pause).toBeGreaterThan(-1);
  expect(events[pause]).toMatchObject({ op: "objects.put", subject: "__schema_state.json.staging" });
  // The lease row's merges after the pause: a writer's takeover (and its give-back) before the apply wakes.
  const lease = leaseObjectId(branchLeaseResource(null));
  const leaseMerges = events
    .slice(pause)
    .filter((e) => e.e === "io" && e.op === "manifest.merge" && "ok" in e && ((e.args as { rows?: unknown }).rows as unknown[] | undefined)?.includes(lease))
    .map((e) => (e as { actor: string }).actor);
  expect(leaseMerges[0]).toMatch(/^w\d$/);
  // The fence refused the apply's publish: no merge of the apply's landed after the pause, and
  // it failed (its lock release then meets the lock its successor's recovery cleared: StorageError).
  expect(leaseMerges).not.toContain("apply");
  const applied = events.find((e) => e.e === "op" && e.label === "applier: schema apply 2" && e.status !== "pending");
  expect(applied).toMatchObject({ status: "err" });
  expect(r.violations.map((v) => v.message)).toEqual([]);
});

test(`with a fence that accepts an expired lease, seed ${SEED} on fixed fails: the apply publishes after its successor's takeover`, async () => {
  mutant.acceptExpired = true;
  const r = await run();
  expect(r.verdict).toBe("fail");
  expect(r.violations[0]).toMatchObject({ kind: "live-sidecar-deleted", details: { owner: "applier: schema apply 2" } });
});
