// Every scenario, in the order `omnisim list` shows them.
import { demoLostUpdate } from "./demo-lost-update.ts";
import type { Scenario } from "./types.ts";

export const SCENARIOS: readonly Scenario[] = [demoLostUpdate];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
