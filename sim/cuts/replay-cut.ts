// Replays one crash state by its name: the uncut universe runs again (the same seed and strategy
// give the same writes), and the future is forked at the named cut exactly as the enumeration
// forked it; a double fault first runs the single crash's future to find its recovery's writes.
// The future's trace hash is the enumeration's.
import type { Fixes } from "../../engine/fixes.ts";
import type { StorageFaultOptions } from "../faults/plan.ts";
import type { StrategyFactory, UniverseResult, UniverseSpec } from "../universe.ts";
import type { World } from "../world.ts";
import { type CrashState, type CutName, describeWrite, formatCutStep, stateAt } from "./crash-state.ts";
import { endOf, runFuture, runUncut } from "./enumerate.ts";

export interface ReplayedCut {
  /** The future of the named state. */
  readonly result: UniverseResult;
  readonly state: CrashState;
  /** Each level of the name, described: `117a: after objects.put ... by a01`. */
  readonly path: readonly string[];
}

export class UnknownCut extends Error {
  override readonly name = "UnknownCut";
}

export async function replayCut(options: {
  readonly spec: UniverseSpec;
  readonly fixes: Fixes;
  readonly seed: number;
  readonly strategy?: StrategyFactory;
  readonly storageFaults?: StorageFaultOptions;
  readonly name: CutName;
}): Promise<ReplayedCut> {
  const uncut = await runUncut(options);
  if (uncut.result.verdict === "fail") {
    throw new UnknownCut(`the uncut universe of seed ${options.seed} fails by itself (${uncut.result.violations[0]!.kind}): replay it without --cut`);
  }
  let parent: World = uncut.world;
  let state = stateAt(null, options.name[0], parent.cuts!.writes, endOf(parent, uncut.result));
  const path: string[] = [];
  for (let level = 0; ; level++) {
    const step = options.name[level]!;
    if (!state) {
      const writes = parent.cuts?.writes.length ?? 0;
      throw new UnknownCut(`no cut ${formatCutStep(step)} at ${level === 0 ? "the universe" : "its recovery"}: it made ${writes} durable write(s)${level === 0 ? " (or say end)" : ""}`);
    }
    path.push(`${formatCutStep(step)}: ${state.write ? `${step.write !== "end" && step.side === "before" ? "before" : "after"} ${describeWrite(state.write)}` : "the end of the run"}`);
    const last = level === options.name.length - 1;
    const result = await runFuture(options.spec, parent, state, !last || options.name.length < 2);
    if (last) return { result, state, path };
    parent = result.world;
    state = stateAt(options.name.slice(0, level + 1) as unknown as CutName, options.name[level + 1]!, parent.cuts?.writes ?? [], null);
  }
}
