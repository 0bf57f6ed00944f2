// The exact command line that replays one universe: what every failure prints, and what the
// JSON reports carry as `replay`. It names everything a replay needs (scenario, form, profile
// and fix overrides, strategy and its knobs, seed, backend), so copying it from a CI log on a
// fresh clone gives the same trace hash.
import type { ScenarioForm } from "../scenarios/types.ts";
import type { BackendName } from "../sim/backends.ts";
import type { ProfileChoice } from "./args.ts";
import { type StrategyChoice, strategyArgv } from "./strategies.ts";

/** How a user runs the command in a fresh clone (`omnisim` is not on the PATH there). */
export const COMMAND = "npx omnisim";

export interface ReplayTarget {
  /** The scenario as the command line names it: a registered name, or a scenario file's path. */
  readonly scenario: string;
  readonly form: ScenarioForm;
  readonly seed: number;
  readonly profile: ProfileChoice;
  /** The strategy that chose the universe's steps; absent when a tape file replays it. */
  readonly strategy?: StrategyChoice;
  readonly tapeFile?: string;
  readonly backend?: BackendName;
  /** Storage fault kinds the universe ran with (`--faults`). */
  readonly faults?: readonly string[];
  /** A crash state of the universe (`117a.3b`): replay its future, not the universe. */
  readonly cut?: string;
}

/** Quotes an argument for a POSIX shell when it needs it. */
function shellArg(arg: string): string {
  return /^[A-Za-z0-9_./=:+@%,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function replayArgv(t: ReplayTarget): string[] {
  const parts = ["replay", t.scenario];
  if (t.form === "scripted") parts.push("--scripted");
  parts.push(...t.profile.argv);
  if (t.tapeFile !== undefined) parts.push("--tape", t.tapeFile, "--seed", String(t.seed));
  else parts.push(...(t.strategy ? strategyArgv(t.strategy) : []), "--seed", String(t.seed));
  if (t.faults && t.faults.length > 0) parts.push("--faults", t.faults.join(","));
  if (t.cut !== undefined) parts.push("--cut", t.cut);
  if (t.backend === "lance") parts.push("--backend", "lance");
  return parts;
}

export function replayLine(t: ReplayTarget): string {
  return [COMMAND, ...replayArgv(t).map(shellArg)].join(" ");
}
