import { expect, test } from "vitest";
import { FailpointRegistry } from "../../failpoints/registry.ts";
import { FP } from "../../failpoints/catalog.ts";
import { ESCAPE_TURNS, Scheduler } from "../../sim/scheduler.ts";
import { VirtualClock } from "../../sim/clock.ts";
import { Trace } from "../../sim/trace.ts";
import { ReplayStrategy } from "../../sim/strategies/replay.ts";
import { RandomStrategy } from "../../sim/strategies/random.ts";
import { SeedTree } from "../../sim/seed.ts";
import { FAULTS_EVERYWHERE_ONE_IN, faultsEverywhere } from "../../sim/fault-reach.ts";
import type { StepDecision, Strategy } from "../../sim/strategy.ts";
import { schedulerWith, stepper } from "./helpers.ts";

test("grants one actor at a time, in the order the tape chooses", async () => {
  // Options are ordered "last runner first", so 1 always means "switch to the other one".
  const { sched } = schedulerWith(new ReplayStrategy([0, 1, 1, 1, 0, 1]));
  const log: string[] = [];
  const p = sched.newProcess("p");
  sched.spawn(p, "a", stepper(sched, log, "a", 2));
  sched.spawn(p, "b", stepper(sched, log, "b", 2));
  const outcome = await sched.run();
  expect(outcome.kind).toBe("quiescent");
  // start a, start b, a1, b1, b2, then a2 is forced (only a can run): not on the tape.
  expect(log).toEqual(["a1", "b1", "b2", "a2"]);
  expect(sched.tape).toEqual([0, 1, 1, 1, 0]);
  expect(sched.actors.map((a) => a.status)).toEqual(["done", "done"]);
});

test("exact quiescence: deep await chains between points are not mistaken for escapes", async () => {
  const { sched } = schedulerWith();
  const p = sched.newProcess("p");
  let depth = 0;
  async function deep(n: number): Promise<void> {
    if (n === 0) return;
    depth++;
    await Promise.resolve();
    await deep(n - 1);
  }
  sched.spawn(p, "deep", async () => {
    await sched.point({ label: "before" });
    await deep(Math.floor(ESCAPE_TURNS / 8));
    await sched.point({ label: "after" });
  });
  expect((await sched.run()).kind).toBe("quiescent");
  expect(depth).toBe(Math.floor(ESCAPE_TURNS / 8));
});

test("an actor that awaits a timer is reported as an escape naming it and its last step", async () => {
  const { sched } = schedulerWith();
  const p = sched.newProcess("p");
  sched.spawn(p, "sleepy", async () => {
    await sched.point({ label: "objects.get x" });
    await new Promise((r) => setTimeout(r, 5));
    await sched.point({ label: "never reached" });
  });
  const outcome = await sched.run();
  expect(outcome).toEqual({ kind: "escape", actor: "sleepy", lastStep: "objects.get x" });
});

test("crash abandons a process's actors where they wait: no resume, no finally", async () => {
  const { sched } = schedulerWith();
  const victim = sched.newProcess("victim");
  const survivor = sched.newProcess("survivor");
  const log: string[] = [];
  sched.spawn(victim, "v", async () => {
    try {
      await sched.point({ label: "v.1" });
      log.push("v1");
      await sched.point({ label: "v.2" });
      log.push("v2");
    } finally {
      log.push("v-finally");
    }
  });
  const director = sched.newProcess("director");
  sched.spawn(
    director,
    "director",
    async () => {
      await sched.waitUntil({ label: "until v passed v.1" }, () => log.includes("v1"));
      sched.crash(victim, "script");
    },
    { director: true },
  );
  sched.spawn(survivor, "s", stepper(sched, log, "s", 3));
  expect((await sched.run()).kind).toBe("quiescent");
  expect(log).toContain("v1");
  expect(log).not.toContain("v2");
  expect(log).not.toContain("v-finally");
  expect(log.filter((l) => l.startsWith("s"))).toEqual(["s1", "s2", "s3"]);
  expect(sched.actors.find((a) => a.name === "v")!.status).toBe("dead");
  expect(victim.alive).toBe(false);
});

test("a crash can be a scheduler choice, limited by the crash budget", async () => {
  const crashFirst: Strategy = {
    name: "crash-first",
    chooseStep: (d: StepDecision) => Math.max(0, d.options.findIndex((o) => o.kind === "crash")),
    chooseData: () => 0,
  };
  const { sched, trace } = schedulerWith(crashFirst, 1);
  const p = sched.newProcess("app", true);
  const q = sched.newProcess("other", true);
  const log: string[] = [];
  sched.spawn(p, "a", stepper(sched, log, "a", 2));
  sched.spawn(q, "b", stepper(sched, log, "b", 2));
  await sched.run();
  expect(sched.crashesChosen).toBe(1);
  expect(trace.events().filter((e) => e.e === "crash")).toHaveLength(1);
  // Exactly one of the two processes died; the other ran to the end.
  expect([p.alive, q.alive].filter(Boolean)).toHaveLength(1);
});

test("waitUntil blocks until its condition holds; nobody runnable but someone waiting is a deadlock", async () => {
  const { sched } = schedulerWith();
  const p = sched.newProcess("p");
  let open = false;
  const log: string[] = [];
  sched.spawn(p, "waiter", async () => {
    await sched.waitUntil({ label: "wait gate" }, () => open);
    log.push("through");
  });
  sched.spawn(p, "opener", async () => {
    await sched.point({ label: "open" });
    open = true;
  });
  expect((await sched.run()).kind).toBe("quiescent");
  expect(log).toEqual(["through"]);

  const second = schedulerWith();
  const q = second.sched.newProcess("q");
  second.sched.spawn(q, "stuck", () => second.sched.waitUntil({ label: "wait forever" }, () => false));
  expect(await second.sched.run()).toEqual({ kind: "deadlock", blocked: [{ actor: "stuck", step: "wait forever" }] });
});

test("sleep moves virtual time only when everyone else is blocked", async () => {
  const { sched, clock } = schedulerWith();
  const p = sched.newProcess("p");
  const t0 = clock.now();
  let woke = 0;
  sched.spawn(p, "sleeper", async () => {
    await sched.sleep(5_000);
    woke = clock.now();
  });
  await sched.run();
  expect(woke - t0).toBeGreaterThanOrEqual(5_000);
  expect(woke - t0).toBeLessThan(5_010);
});

test("a director runs whenever it can, without consuming a choice", async () => {
  const { sched } = schedulerWith(new ReplayStrategy([]));
  const p = sched.newProcess("p");
  const log: string[] = [];
  sched.spawn(p, "director", async () => {
    await sched.point({ label: "d.1" });
    log.push("d1");
    await sched.point({ label: "d.2" });
    log.push("d2");
  }, { director: true });
  sched.spawn(p, "x", stepper(sched, log, "x", 1));
  await sched.run();
  expect(log).toEqual(["d1", "d2", "x1"]);
  expect(sched.tape).toEqual([]);
});

test("two scheduling points at once from one actor are refused", async () => {
  const { sched } = schedulerWith();
  const p = sched.newProcess("p");
  sched.spawn(p, "greedy", async () => {
    await Promise.all([sched.point({ label: "one" }), sched.point({ label: "two" })]);
  });
  await sched.run();
  const greedy = sched.actors[0]!;
  expect(greedy.status).toBe("failed");
  expect(String((greedy.outcome as { error: Error }).error.message)).toMatch(/two scheduling points at once/);
});

test("a recorded tape replays the same run; a shortened or altered tape still runs", async () => {
  async function go(strategy: Strategy) {
    const { sched, trace } = schedulerWith(strategy);
    const p = sched.newProcess("p");
    const log: string[] = [];
    for (const n of ["a", "b", "c"]) sched.spawn(p, n, stepper(sched, log, n, 4));
    await sched.run();
    return { log, tape: [...sched.tape], hash: trace.hash() };
  }
  const first = await go(new RandomStrategy(SeedTree.root(7).prng()));
  const replay = await go(new ReplayStrategy(first.tape));
  expect(replay.log).toEqual(first.log);
  expect(replay.hash).toBe(first.hash);
  const short = await go(new ReplayStrategy(first.tape.slice(0, 3)));
  expect(short.log).toHaveLength(12);
  const wild = await go(new ReplayStrategy(first.tape.map((v) => v + 1000)));
  expect(wild.log).toHaveLength(12);
});

test("a failpoint crash kills the hitting actor's process at the hit", async () => {
  const { sched } = schedulerWith();
  const registry = new FailpointRegistry(sched);
  registry.set(FP.RECOVERY_SIDECAR_WRITE, { kind: "crash" });
  const p = sched.newProcess("p");
  const log: string[] = [];
  sched.spawn(p, "writer", async () => {
    log.push("before");
    await registry.hit(FP.RECOVERY_SIDECAR_WRITE);
    log.push("after");
  });
  await sched.run();
  expect(log).toEqual(["before"]);
  expect(p.alive).toBe(false);
});

test("the fault plan strikes a process the scenario does not let die only in a faults-everywhere universe, and only fails it", async () => {
  // A strategy that always picks the plan's crash at a failpoint.
  const crashAtFailpoints: Strategy = { name: "crash-at-failpoints", chooseStep: () => 0, chooseData: (d) => d.n - 1 };
  const run = async (everywhere: boolean, crashable: boolean, shielded = false) => {
    const sched = new Scheduler({ clock: new VirtualClock(), trace: new Trace(), strategy: crashAtFailpoints, faultBudget: 1, faultsEverywhere: everywhere });
    const registry = new FailpointRegistry(sched);
    const p = sched.newProcess("p", crashable, shielded);
    let outcome = "passed";
    sched.spawn(p, "writer", async () => {
      if ((await registry.hit(FP.RECOVERY_SIDECAR_WRITE)) === "error") outcome = "failed";
    });
    await sched.run();
    return p.alive ? outcome : "crashed";
  };
  expect(await run(false, false)).toBe("passed");
  expect(await run(true, false)).toBe("failed");
  expect(await run(false, true)).toBe("crashed");
  expect(await run(true, true)).toBe("crashed");
  // A shielded process (a control's scripted victim) is never struck, in any universe.
  expect(await run(true, false, true)).toBe("passed");
  expect(await run(true, true, true)).toBe("passed");
});

test("the faults-everywhere knob is the universe seed's choice: the same for a seed every time, on in about one universe in four", () => {
  const on = (seed: number) => faultsEverywhere(SeedTree.root(seed));
  const seeds = Array.from({ length: 400 }, (_, i) => i + 1);
  expect(seeds.map(on)).toEqual(seeds.map(on));
  const count = seeds.filter(on).length;
  expect(count).toBeGreaterThan(400 / FAULTS_EVERYWHERE_ONE_IN / 2);
  expect(count).toBeLessThan((400 / FAULTS_EVERYWHERE_ONE_IN) * 2);
});

test("a grant notes a stall when its actor was kept runnable past the notice; never for the actor's own sleep or a wait on a condition", async () => {
  const clock = new VirtualClock();
  const trace = new Trace();
  // An empty tape keeps the last runner running and otherwise takes the first in spawn order:
  // the sleeper and the waiter start first, then `busy` runs all its steps while `starved` waits.
  const sched = new Scheduler({ clock, trace, strategy: new ReplayStrategy([]), stallNoticeMs: 100 });
  const p = sched.newProcess("p");
  let open = false;
  sched.spawn(p, "sleeper", async () => {
    await sched.sleep(500);
    await sched.point({ label: "sleeper.1" });
  });
  sched.spawn(p, "waiter", async () => {
    await sched.waitUntil({ label: "waiter.gate" }, () => open);
    await sched.point({ label: "waiter.1" });
  });
  sched.spawn(p, "busy", async () => {
    for (let i = 0; i < 150; i++) await sched.point({ label: `busy.${i}` });
    open = true;
  });
  sched.spawn(p, "starved", async () => {
    await sched.point({ label: "starved.1" });
  });
  expect((await sched.run()).kind).toBe("quiescent");
  expect(trace.events().flatMap((e) => (e.e === "grant" && e.step === "sleeper.1" ? [clock.now() >= 500] : []))).toEqual([true]);
  const stalls = trace.events().flatMap((e) => (e.e === "stall" ? [`${e.actor} ${e.step} ${e.ms > 100}`] : []));
  expect(stalls).toEqual(["starved start true"]);
  // Without the notice, no stall is noted.
  const quiet = schedulerWith();
  const q = quiet.sched.newProcess("q");
  quiet.sched.spawn(q, "busy", async () => {
    for (let i = 0; i < 150; i++) await quiet.sched.point({ label: `busy.${i}` });
  });
  quiet.sched.spawn(q, "starved", async () => void (await quiet.sched.point({ label: "starved.1" })));
  await quiet.sched.run();
  expect(quiet.trace.events().some((e) => e.e === "stall")).toBe(false);
});
