// What a scenario declares: its bug, the profile on which it is expected red, its actors and
// oracles, and its two forms (a scripted failpoint schedule and a searched world).
import type { ProfileName } from "../engine/fixes.ts";
import { History } from "../sim/oracles/history.ts";
import { judge } from "../sim/oracles/judge.ts";
import { type LivenessProbe, recoverAndCheckLiveness } from "../sim/oracles/liveness.ts";
import type { UniverseSpec } from "../sim/universe.ts";
import type { World } from "../sim/world.ts";

export type ScenarioForm = "searched" | "scripted";

/** What a scenario body works with in one universe. */
export interface ScenarioContext {
  readonly world: World;
  readonly history: History;
}

export interface Scenario {
  readonly name: string;
  /** The bug catalog entry (`B1`, `B2'`, ...), or `none`/`demo`. */
  readonly bug: string;
  /** One line for `omnisim list`. */
  readonly summary: string;
  /** The profile on which the scenario is expected to fail; null for a control that is never red. */
  readonly redProfile: ProfileName | null;
  /** The violation kinds that are this bug's symptom (others found on the way are other bugs). */
  readonly symptoms: readonly string[];
  readonly actors: readonly string[];
  /** The oracles that judge it (the standard set runs on every engine scenario). */
  readonly oracles: readonly string[];
  /** Crashes the search may choose. */
  readonly crashBudget?: number;
  readonly maxSteps?: number;
  /**
   * The write a fresh process must manage after recovery (the liveness oracle); absent for
   * scenarios that do not run on the engine.
   */
  readonly probe?: LivenessProbe;
  /** No script: the seed decides the interleaving, crashes and armed faults. */
  searched(ctx: ScenarioContext): Promise<void>;
  /** A deterministic failpoint script that shows the bug's exact symptom. */
  scripted?(ctx: ScenarioContext): Promise<void>;
}

/** The simulator's view of one form of a scenario: the body, then liveness, then the oracles. */
export function formSpec(scenario: Scenario, form: ScenarioForm): UniverseSpec {
  const body = form === "scripted" ? scenario.scripted : scenario.searched;
  if (!body) throw new Error(`scenario ${scenario.name} has no ${form} form`);
  const histories = new WeakMap<World, History>();
  return {
    name: `${scenario.name}/${form}`,
    ...(form === "searched" && scenario.crashBudget !== undefined ? { crashBudget: scenario.crashBudget } : {}),
    ...(scenario.maxSteps !== undefined ? { maxSteps: scenario.maxSteps } : {}),
    async direct(world) {
      const history = new History(world);
      histories.set(world, history);
      await body.call(scenario, { world, history });
      if (scenario.probe) await recoverAndCheckLiveness(world, history, scenario.probe);
    },
    async judge(world) {
      const history = histories.get(world);
      if (history && scenario.probe) await judge(world, history);
    },
    operations: (world) => histories.get(world)?.counts() ?? { attempted: 0, completed: 0 },
  };
}
