// A world forked at a crash state: it starts where the cut left its parent, from an O(1) copy
// of the durable store (never by replaying the prefix): the parent's trace up to the cut (the
// oracles read it), its clock and step count, and the death of every process alive there. The
// fork draws its ids and choices from streams of its own, named for the state.
import { RandomStrategy } from "../strategies/random.ts";
import { VirtualStore } from "../store/virtual-store.ts";
import { LOGICAL_ROOT } from "../universe.ts";
import { World } from "../world.ts";
import { type CrashState, formatCut, formatCutStep } from "./crash-state.ts";

export interface ForkOptions {
  /** Record the fork's own durable writes (a recovering process to cut in turn). */
  readonly recordCuts: boolean;
  readonly maxSteps?: number;
}

export function forkWorld(parent: World, state: CrashState, options: ForkOptions): World {
  const name = formatCut(state.name);
  const world = new World({
    seed: parent.options.seed,
    seedPath: ["cut", name],
    fixes: parent.fixes,
    // Only the fork's own processes run, none of them crashed by a choice: the strategy decides
    // nothing unless the recovery spawns actors.
    strategy: (seeds) => new RandomStrategy(seeds.prng(), { crashChance: 0 }),
    backend: () => ({ storage: VirtualStore.fromSnapshot(state.store), external: false, root: LOGICAL_ROOT }),
    recordCuts: options.recordCuts,
    ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
  });
  // Not recording until the future says whose writes to cut.
  world.cuts?.pause();
  world.clock.advanceTo(state.clockMs);
  world.trace.startFrom(parent.trace, state.traceLength);
  world.sched.stepCount = state.stepCount;
  // The faults the cut run suffered before the cut are part of the state's past: the judgement weighs them.
  world.inheritedFaults = [...parent.inheritedFaults, ...(parent.storageFaults?.struck ?? [])].filter((f) => f.at < state.traceLength);
  const step = state.name[state.name.length - 1]!;
  for (const p of state.dying) world.trace.emit({ e: "crash", proc: p.proc, cause: `cut ${formatCutStep(step)}`, killed: p.actors });
  return world;
}
