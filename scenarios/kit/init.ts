// Initialising a graph as an operator does: a recorded `init` that may fail (the oracles judge
// how), and a retry when nothing was initialised. Errors of any type end the operation: a
// storage error out of init is a finding, not a harness error.
import type { OmniErrorKind } from "../../engine/errors.ts";
import { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { type Expectation, initLabel, NO_EFFECT } from "../../sim/oracles/history.ts";
import type { Process } from "../../sim/scheduler.ts";
import type { ScenarioContext } from "../types.ts";

/** An init on an existing graph may fail so; a fault armed at init may fail it so. */
export const INIT_MAY_FAIL: readonly OmniErrorKind[] = ["AlreadyInitialized", "InitializationClaimed", "InjectedFailure", "InitializationIndeterminate"];

/** `omnigraph init` in `proc`; whether it succeeded. */
export async function tryInit(ctx: ScenarioContext, proc: Process, name: string, schema: string, expect: Expectation = { allow: INIT_MAY_FAIL }): Promise<boolean> {
  try {
    await ctx.history.run(initLabel(name), "open", NO_EFFECT, expect, () => Omnigraph.init(ctx.world.env(proc), schema, { name }));
    return true;
  } catch {
    return false;
  }
}
