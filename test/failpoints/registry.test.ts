import { expect, test } from "vitest";
import { FP, parseFailpointName, SEED_FAILPOINTS } from "../../failpoints/catalog.ts";
import { FailpointRegistry } from "../../failpoints/registry.ts";
import type { Scheduler } from "../../sim/scheduler.ts";
import { schedulerWith } from "../sim/helpers.ts";

/** Runs `body` as the only actor of a fresh scheduler with a registry on it. */
async function withRegistry(body: (r: FailpointRegistry, sched: Scheduler) => Promise<void>) {
  const { sched, trace } = schedulerWith();
  const registry = new FailpointRegistry(sched);
  const p = sched.newProcess("p");
  const actor = sched.spawn(p, "actor", () => body(registry, sched));
  const outcome = await sched.run();
  return { registry, sched, trace, actor, outcome, p };
}

test("the seed catalog has the 36 upstream names with their dotted spelling", () => {
  expect(Object.keys(SEED_FAILPOINTS)).toHaveLength(36);
  expect(SEED_FAILPOINTS.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH.split(".")).toEqual(["recovery", "before_roll_forward_publish"]);
  expect(parseFailpointName(`${"optimize"}.${"before_compact"}`)).toBe(FP.OPTIMIZE_BEFORE_COMPACT);
  expect(parseFailpointName(`${FP.OPTIMIZE_BEFORE_COMPACT}t`)).toBeUndefined();
});

test("off: a hit passes, is counted, and is a traced scheduling point", async () => {
  const outcomes: string[] = [];
  const { registry, trace } = await withRegistry(async (r) => {
    outcomes.push(await r.hit(FP.RECOVERY_SIDECAR_WRITE));
  });
  expect(outcomes).toEqual(["pass"]);
  expect(registry.hits(FP.RECOVERY_SIDECAR_WRITE)).toBe(1);
  const events = trace.events();
  expect(events.some((e) => e.e === "failpoint" && e.name === FP.RECOVERY_SIDECAR_WRITE && e.decision === "pass")).toBe(true);
  expect(events.some((e) => e.e === "grant" && e.step === `failpoint ${FP.RECOVERY_SIDECAR_WRITE}`)).toBe(true);
});

test("error: always, or only the first N hits, or after skipping some", async () => {
  const seen: string[] = [];
  await withRegistry(async (r) => {
    r.set(FP.RECOVERY_SIDECAR_WRITE, { kind: "error" });
    r.set(FP.RECOVERY_SIDECAR_DELETE, { kind: "error", times: 1 });
    r.set(FP.RECOVERY_SIDECAR_LIST, { kind: "error", skip: 1, times: 1 });
    for (let i = 0; i < 3; i++) seen.push(await r.hit(FP.RECOVERY_SIDECAR_WRITE));
    for (let i = 0; i < 3; i++) seen.push(await r.hit(FP.RECOVERY_SIDECAR_DELETE));
    for (let i = 0; i < 3; i++) seen.push(await r.hit(FP.RECOVERY_SIDECAR_LIST));
  });
  expect(seen).toEqual(["error", "error", "error", "error", "pass", "pass", "pass", "error", "pass"]);
});

test("park: the first arrival waits until released, reached() tells, later arrivals pass", async () => {
  const { sched } = schedulerWith();
  const r = new FailpointRegistry(sched);
  r.set(FP.OPTIMIZE_BEFORE_COMPACT, { kind: "park" });
  const p = sched.newProcess("p");
  const log: string[] = [];
  sched.spawn(p, "first", async () => {
    await r.hit(FP.OPTIMIZE_BEFORE_COMPACT);
    log.push("first through");
  });
  sched.spawn(p, "second", async () => {
    await r.hit(FP.OPTIMIZE_BEFORE_COMPACT);
    log.push("second through");
  });
  sched.spawn(
    p,
    "director",
    async () => {
      await sched.waitUntil({ label: "until parked" }, () => r.reached(FP.OPTIMIZE_BEFORE_COMPACT));
      await sched.waitUntil({ label: "until second passed" }, () => log.includes("second through"));
      log.push("release");
      r.release(FP.OPTIMIZE_BEFORE_COMPACT);
    },
    { director: true },
  );
  expect((await sched.run()).kind).toBe("quiescent");
  expect(log).toEqual(["second through", "release", "first through"]);
});

test("park never released leaves the parked actor blocked: a deadlock, not a hang", async () => {
  const { outcome } = await withRegistry(async (r) => {
    r.set(FP.OPTIMIZE_BEFORE_COMPACT, { kind: "park" });
    await r.hit(FP.OPTIMIZE_BEFORE_COMPACT);
  });
  expect(outcome).toEqual({ kind: "deadlock", blocked: [{ actor: "actor", step: `failpoint ${FP.OPTIMIZE_BEFORE_COMPACT}` }] });
});

test("crash: the hitting actor's process dies at the failpoint; skip lets hits through first", async () => {
  const log: string[] = [];
  const { p, actor } = await withRegistry(async (r) => {
    r.set(FP.GRAPH_PUBLISH_AFTER_MANIFEST_COMMIT, { kind: "crash", skip: 1 });
    await r.hit(FP.GRAPH_PUBLISH_AFTER_MANIFEST_COMMIT);
    log.push("first hit passed");
    await r.hit(FP.GRAPH_PUBLISH_AFTER_MANIFEST_COMMIT);
    log.push("second hit passed");
  });
  expect(log).toEqual(["first hit passed"]);
  expect(p.alive).toBe(false);
  expect(actor.status).toBe("dead");
});

test("probe counts hits; hitNames lists every name hit, in order of first hit", async () => {
  const { registry } = await withRegistry(async (r) => {
    r.set(FP.CLASSIFY_FRESH_READ, { kind: "probe" });
    await r.hit(FP.CLASSIFY_FRESH_READ);
    await r.hit(FP.RECOVERY_RECORD_AUDIT);
    await r.hit(FP.CLASSIFY_FRESH_READ);
  });
  expect(registry.hits(FP.CLASSIFY_FRESH_READ)).toBe(2);
  expect(registry.hitNames()).toEqual([FP.CLASSIFY_FRESH_READ, FP.RECOVERY_RECORD_AUDIT]);
});

test("registries are per universe: arming one leaves another untouched", async () => {
  const a = schedulerWith();
  const b = schedulerWith();
  const ra = new FailpointRegistry(a.sched);
  const rb = new FailpointRegistry(b.sched);
  ra.set(FP.RECOVERY_SIDECAR_WRITE, { kind: "error" });
  expect(ra.action(FP.RECOVERY_SIDECAR_WRITE).kind).toBe("error");
  expect(rb.action(FP.RECOVERY_SIDECAR_WRITE).kind).toBe("off");
});
