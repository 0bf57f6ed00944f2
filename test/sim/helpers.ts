// Small builders for scheduler-level tests.
import { VirtualClock } from "../../sim/clock.ts";
import { Scheduler } from "../../sim/scheduler.ts";
import type { Strategy } from "../../sim/strategy.ts";
import { ReplayStrategy } from "../../sim/strategies/replay.ts";
import { Trace } from "../../sim/trace.ts";

export function schedulerWith(strategy: Strategy = new ReplayStrategy([]), crashBudget = 0) {
  const clock = new VirtualClock();
  const trace = new Trace();
  const sched = new Scheduler({ clock, trace, strategy, crashBudget });
  return { clock, trace, sched };
}

/** An actor body that makes `n` labelled points and logs each as it passes. */
export function stepper(sched: Scheduler, log: string[], name: string, n: number) {
  return async () => {
    for (let i = 1; i <= n; i++) {
      await sched.point({ label: `${name}.${i}`, footprint: { reads: [], writes: [`k:${name}`] } });
      log.push(`${name}${i}`);
    }
  };
}
