// Where the seeded strategies crash a process: before a durable write, each time with the same
// small probability, chosen so that a process making `horizon` durable writes dies somewhere in
// them with the strategy's crash chance. A crash between two reads is the same durable state as
// a crash before the next write, so only writes are cut points; and a per-write coin reaches a
// recovery's last window (an audit row written, its sidecar not yet deleted) about as often as
// its first, where a per-step coin spends itself on the reads before it.
import type { Prng } from "../seed.ts";
import type { StepDecision } from "../strategy.ts";

/** Durable writes of a typical process of a small scenario (a scenario may say otherwise). */
export const DEFAULT_CRASH_HORIZON = 8;

export class CrashPlan {
  /** Probability of a crash before any one durable write of a crashable process. */
  readonly perWrite: number;

  constructor(
    private readonly prng: Prng,
    /** Probability that a process making `horizon` durable writes is crashed in one of them. */
    chance: number,
    horizon: number = DEFAULT_CRASH_HORIZON,
  ) {
    this.perWrite = 1 - (1 - Math.min(Math.max(chance, 0), 0.999)) ** (1 / Math.max(1, horizon));
  }

  /**
   * The option to take given that the strategy chose `chosen`: the crash of the chosen actor's
   * process, with the per-write probability, when the grant is a durable write of a process the
   * search may crash now; else `chosen`.
   */
  apply(d: StepDecision, chosen: number): number {
    const o = d.options[chosen];
    if (!o || o.kind === "crash") return chosen;
    if ((o.step.footprint?.writes.length ?? 1) === 0) return chosen;
    const p = o.actor.procId;
    const crash = crashOptionOf(d, p);
    if (crash < 0) return chosen;
    return this.prng() < this.perWrite ? crash : chosen;
  }
}

// Loops rather than findIndex with an arrow: a seeded strategy asks both at every decision.

/** The index of process `procId`'s crash option in `d`, or -1. */
function crashOptionOf(d: StepDecision, procId: number): number {
  const { options } = d;
  for (let i = 0; i < options.length; i++) {
    const c = options[i]!;
    if (c.kind === "crash" && c.procId === procId) return i;
  }
  return -1;
}

/** How many of `d`'s options are grants: the crash options, if any, come after them. */
export function grantCount(d: StepDecision): number {
  const { options } = d;
  for (let i = 0; i < options.length; i++) if (options[i]!.kind === "crash") return i;
  return options.length;
}
