// PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS
// 2010). Every actor has a distinct random priority; the highest-priority runnable actor always
// runs; at d-1 change points, drawn uniformly over the first k step decisions, the actor about to
// run drops below every other. A bug of depth d (d ordering constraints) among n actors within k
// steps is then found with probability at least 1/(n·k^(d-1)) per universe.
//
// Steps are counted in step decisions: the scheduling points where more than one option exists
// (the only ones a strategy sees). The bound k is given by the caller (see pct-bounds.ts for how
// the harness estimates it). Crashes and the scenario's data choices come from the same seeded
// PRNG as the priorities: crashes follow the same crash plan as the random walk.
import { pick, type Prng } from "../seed.ts";
import type { DataDecision, StepDecision, Strategy } from "../strategy.ts";
import { CrashPlan, grantCount } from "./crash-plan.ts";

export interface PctOptions {
  /** d >= 1: the bug depth covered; d-1 priority change points. */
  readonly depth: number;
  /** k >= 1: how many step decisions a universe is expected to take. */
  readonly stepBound: number;
  /** Probability that a crashable process is planned to die (default 0.3; see crash-plan.ts). */
  readonly crashChance?: number;
  readonly crashHorizon?: number;
}

export class PctStrategy implements Strategy {
  readonly name: string;
  /** Actor ids by priority, highest first; new actors are inserted at a random place. */
  private readonly normal: number[] = [];
  /** Actors demoted at change points, in order: each sits below every actor before it. */
  private readonly lowered: number[] = [];
  private readonly known = new Set<number>();
  /** Step decisions (1-based) at which a change point strikes, ascending. */
  readonly changePoints: readonly number[];
  private nextChange = 0;
  private decisions = 0;
  private readonly crashes: CrashPlan;

  constructor(
    private readonly prng: Prng,
    options: PctOptions,
  ) {
    if (!Number.isInteger(options.depth) || options.depth < 1) throw new RangeError(`PCT depth must be a positive integer, got ${options.depth}`);
    const k = Math.max(1, Math.floor(options.stepBound));
    this.name = `pct(d=${options.depth})`;
    this.changePoints = drawChangePoints(prng, options.depth - 1, k);
    this.crashes = new CrashPlan(prng, options.crashChance ?? 0.3, options.crashHorizon);
  }

  chooseStep(d: StepDecision): number {
    this.decisions++;
    const nGrants = grantCount(d);
    for (let i = 0; i < nGrants; i++) {
      const o = d.options[i]!;
      if (o.kind === "grant") this.meet(o.actor.id);
    }
    if (nGrants === 0) return pick(this.prng, d.options.length);
    while (this.nextChange < this.changePoints.length && this.changePoints[this.nextChange]! <= this.decisions) {
      this.nextChange++;
      const o = d.options[this.top(d, nGrants)]!;
      if (o.kind === "grant") this.demote(o.actor.id);
    }
    return this.crashes.apply(d, this.top(d, nGrants));
  }

  chooseData(d: DataDecision): number {
    return pick(this.prng, d.n);
  }

  /** The current priority order, highest first (for tests and reports). */
  priorities(): number[] {
    return [...this.normal, ...this.lowered];
  }

  private meet(id: number): void {
    if (this.known.has(id)) return;
    this.known.add(id);
    this.normal.splice(pick(this.prng, this.normal.length + 1), 0, id);
  }

  /** Index (into the options) of the highest-priority runnable actor. */
  private top(d: StepDecision, nGrants: number): number {
    let best = 0;
    let bestRank = Infinity;
    for (let i = 0; i < nGrants; i++) {
      const o = d.options[i]!;
      if (o.kind !== "grant") continue;
      const rank = this.rank(o.actor.id);
      if (rank < bestRank) {
        bestRank = rank;
        best = i;
      }
    }
    return best;
  }

  private rank(id: number): number {
    const n = this.normal.indexOf(id);
    if (n >= 0) return n;
    return this.normal.length + this.lowered.indexOf(id);
  }

  /** A change point: `id` drops below every actor, including those demoted before it. */
  private demote(id: number): void {
    const n = this.normal.indexOf(id);
    if (n >= 0) this.normal.splice(n, 1);
    const l = this.lowered.indexOf(id);
    if (l >= 0) this.lowered.splice(l, 1);
    this.lowered.push(id);
  }
}

/** `count` distinct change points drawn uniformly from [1, k] (all of them if k is smaller). */
export function drawChangePoints(prng: Prng, count: number, k: number): number[] {
  if (count <= 0) return [];
  if (count >= k) return Array.from({ length: k }, (_, i) => i + 1);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(1 + pick(prng, k));
  return [...chosen].sort((a, b) => a - b);
}

/** PCT's lower bound on finding a depth-d bug in one universe: 1/(n·k^(d-1)). */
export function pctProbability(actors: number, stepBound: number, depth: number): number {
  const n = Math.max(1, actors);
  const k = Math.max(1, stepBound);
  return 1 / (n * k ** (depth - 1));
}

/** The probability that `universes` independent universes, each finding the bug with probability p, all miss it. */
export function missProbability(p: number, universes: number): number {
  return (1 - p) ** universes;
}
