// Every scenario, in the order `omnisim list` shows them.
import { demoLostUpdate } from "./demo-lost-update.ts";
import { openSweepCasRace } from "./open-sweep-cas-race.ts";
import type { Scenario } from "./types.ts";

export const SCENARIOS: readonly Scenario[] = [openSweepCasRace, demoLostUpdate];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
