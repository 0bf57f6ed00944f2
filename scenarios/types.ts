// What a scenario declares: its bug, the profile on which it is expected red, its actors and
// oracles, and its two forms (a scripted failpoint schedule and a searched world).
import type { ProfileName } from "../engine/fixes.ts";
import type { UniverseSpec } from "../sim/universe.ts";
import type { World } from "../sim/world.ts";

export type ScenarioForm = "searched" | "scripted";

export interface Scenario {
  readonly name: string;
  /** The bug catalog entry (`B1`, `B2'`, ...), or `none`/`demo`. */
  readonly bug: string;
  /** One line for `omnisim list`. */
  readonly summary: string;
  /** The profile on which the scenario is expected to fail; null for a control that is never red. */
  readonly redProfile: ProfileName | null;
  readonly actors: readonly string[];
  readonly oracles: readonly string[];
  /** Crashes the search may choose. */
  readonly crashBudget?: number;
  readonly maxSteps?: number;
  /** No script: the seed decides the interleaving, crashes and armed faults. */
  searched(world: World): Promise<void>;
  /** A deterministic failpoint script that shows the bug's exact symptom. */
  scripted?(world: World): Promise<void>;
}

/** The simulator's view of one form of a scenario. */
export function formSpec(scenario: Scenario, form: ScenarioForm): UniverseSpec {
  const direct = form === "scripted" ? scenario.scripted : scenario.searched;
  if (!direct) throw new Error(`scenario ${scenario.name} has no ${form} form`);
  return {
    name: `${scenario.name}/${form}`,
    ...(form === "searched" && scenario.crashBudget !== undefined ? { crashBudget: scenario.crashBudget } : {}),
    ...(scenario.maxSteps !== undefined ? { maxSteps: scenario.maxSteps } : {}),
    direct: (world) => direct.call(scenario, world),
  };
}
