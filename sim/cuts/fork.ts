// A world forked at a crash state: it starts where the cut left its parent, from an O(1) copy
// of the durable store (never by replaying the prefix): the parent's trace up to the cut (the
// oracles read it), its clock and step count, and the death of every process alive there. The
// fork draws its ids and choices from streams of its own, named for the state.
import { RandomStrategy } from "../strategies/random.ts";
import { VirtualStore } from "../store/virtual-store.ts";
import { LOGICAL_ROOT } from "../universe.ts";
import { World } from "../world.ts";
import { type CrashState, type CutStep, formatCut, formatCutStep } from "./crash-state.ts";
import type { TraceEvent } from "../trace.ts";
import type { Branch, DatasetPath } from "../../engine/storage/types.ts";

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
  const inside = partDurable(state, step);
  if (inside) world.trace.emit(inside);
  for (const p of state.dying) world.trace.emit({ e: "crash", proc: p.proc, cause: `cut ${formatCutStep(step)}`, killed: p.actors });
  return world;
}

/**
 * A cut inside a dataset commit that real Lance makes in two durable parts (a compaction's
 * ReserveFragments, then its Rewrite): the first part is durable, but the call never returned,
 * so its result is not in the trace. The writer did commit a version, and the oracles judge its
 * sidecar by its commits: the fork records the durable part as the call's result, marked as cut
 * inside (`cutInside`), before the crash. Null for any other cut.
 */
function partDurable(state: CrashState, step: CutStep): TraceEvent | null {
  const w = state.write;
  if (!w?.part || w.call.op !== "datasets.commit" || step.write === "end") return null;
  const done = step.side === "after" ? w.part.n : w.part.n - 1;
  if (done < 1 || done >= w.part.of) return null;
  const args = w.call.args as { path?: unknown; branch?: unknown };
  const version = VirtualStore.fromSnapshot(state.store).datasets.latestVersionNow(args.path as DatasetPath, (args.branch ?? null) as Branch);
  return { e: "io", actor: w.actor, op: w.call.op, args: { ...w.call.args, cutInside: `${done} of ${w.part.of}` }, ok: { version } };
}
