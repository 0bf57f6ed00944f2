// Crash-state enumeration (`omnisim crashes`, sim/cuts/): every crash state of whole universes
// of `random-workload` at 30 operations on `fixed`, with double faults, as `omnisim crashes
// random-workload --profile fixed --seeds N` enumerates them: states per universe, and states
// per second of wall time and of CPU time (the CPU figure is the fair one on a shared machine).
import { performance } from "node:perf_hooks";
import { PROFILES } from "../engine/fixes.ts";
import { randomWorkloadScenario } from "../scenarios/random-workload.ts";
import { formSpec } from "../scenarios/types.ts";
import { enumerateSeed } from "../sim/cuts/enumerate.ts";
import { round, table } from "./table.ts";

export interface CrashesResult {
  readonly scenario: string;
  readonly profile: string;
  readonly universes: number;
  readonly states: number;
  readonly doubleFaults: number;
  readonly distinctStates: number;
  readonly statesPerUniverse: number;
  readonly statesPerSecond: number;
  readonly statesPerCpuSecond: number;
  readonly violations: number;
}

export async function benchCrashes(o: { quick: boolean }): Promise<{ lines: string[]; result: CrashesResult }> {
  const universes = o.quick ? 1 : 2;
  const spec = formSpec(randomWorkloadScenario, "searched");
  const digests = new Set<string>();
  let states = 0;
  let doubleFaults = 0;
  let violations = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let seed = 1; seed <= universes; seed++) {
    const e = await enumerateSeed({ spec, fixes: PROFILES.fixed, seed });
    states += e.states;
    doubleFaults += e.statesByDepth[1] ?? 0;
    violations += e.violations;
    for (const d of e.digests) digests.add(d);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const result: CrashesResult = {
    scenario: randomWorkloadScenario.name,
    profile: "fixed",
    universes,
    states,
    doubleFaults,
    distinctStates: digests.size,
    statesPerUniverse: Math.round(states / universes),
    statesPerSecond: round(states / seconds, 0),
    statesPerCpuSecond: round(states / cpuSeconds, 0),
    violations,
  };
  const lines = table(
    ["crash states (`omnisim crashes`, double faults)", "universes", "states", "per universe", "distinct", "states/s", "states/CPU s", "violations"],
    [[`${result.scenario} on ${result.profile}`, String(universes), String(states), String(result.statesPerUniverse), String(result.distinctStates), String(result.statesPerSecond), String(result.statesPerCpuSecond), String(violations)]],
  );
  return { lines, result };
}
