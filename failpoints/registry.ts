// The failpoint registry of one universe. Upstream's fail-rs registry is process-global, so
// its failpoint tests must run #[serial]; here each universe owns its registry, and many
// universes can run in one process at once.
import type { FailpointName } from "./catalog.ts";

/** What an armed failpoint does when an actor reaches it. */
export type FailpointAction =
  /** Nothing: the hit is only a scheduling point. */
  | { readonly kind: "off" }
  /** Fail the hit with an injected error: every hit, or `times` hits after `skip` passes. */
  | { readonly kind: "error"; readonly times?: number; readonly skip?: number }
  /** The first arrival waits until `release`; later arrivals pass through. */
  | { readonly kind: "park" }
  /** The hitting actor's process dies here (after `skip` passes). */
  | { readonly kind: "crash"; readonly skip?: number }
  /** Count the hit and pass. */
  | { readonly kind: "probe" };

/** How one hit was resolved; the trace records it. */
export type HitDecision = "pass" | "error" | "park" | "crash";

/** What the engine sees of a hit: go on, or fail with an injected error. */
export type HitOutcome = "pass" | "error";

/** The world's side of a hit. The simulator implements it; failpoints never import it. */
export interface FailpointHost {
  /**
   * Makes the hit a scheduling point for the hitting actor and traces it. For "park" the actor
   * is not runnable until `released()` holds; for "crash" its process dies at this point and
   * the returned promise never settles.
   */
  failpointHit(name: FailpointName, decision: HitDecision, released: () => boolean, planned: boolean): Promise<void>;
  /**
   * The world's own fault plan, asked at a hit no script armed: an error, a crash, or nothing.
   * (The simulator decides it from the seed, and only for actors the search may touch.)
   */
  plannedFault(name: FailpointName): "error" | "crash" | null;
}

interface ParkState {
  reached: boolean;
  released: boolean;
}

export class FailpointRegistry {
  private readonly actions = new Map<FailpointName, FailpointAction>();
  private readonly hitCounts = new Map<FailpointName, number>();
  /** Hits seen since the action was armed; `skip` and `times` count against this. */
  private readonly armedHits = new Map<FailpointName, number>();
  private readonly parks = new Map<FailpointName, ParkState>();
  /** Every name a script armed (`set`) in this universe: a searched form must arm none. */
  private readonly scripted = new Set<FailpointName>();

  constructor(private readonly host: FailpointHost) {}

  /** Arms `name` with `action`, replacing what was there and resetting its park state. */
  set(name: FailpointName, action: FailpointAction): void {
    this.scripted.add(name);
    this.actions.set(name, action);
    this.armedHits.set(name, 0);
    if (action.kind === "park") this.parks.set(name, { reached: false, released: false });
    else this.parks.delete(name);
  }

  /** Disarms `name`. A parked actor stays parked until `release`. */
  clear(name: FailpointName): void {
    this.actions.delete(name);
  }

  /** Disarms every scripted failpoint (a restart runs with no faults injected). */
  disarmAll(): void {
    this.actions.clear();
  }

  /** The names a script armed in this universe, in catalog order of first arming. */
  scriptArmed(): FailpointName[] {
    return [...this.scripted];
  }

  action(name: FailpointName): FailpointAction {
    return this.actions.get(name) ?? OFF;
  }

  /** True once an actor has arrived at the parked failpoint `name`. */
  reached(name: FailpointName): boolean {
    return this.parks.get(name)?.reached ?? false;
  }

  /** Lets the parked actor at `name` go on (and any later arrival pass). */
  release(name: FailpointName): void {
    const park = this.parks.get(name);
    if (park) park.released = true;
    else this.parks.set(name, { reached: false, released: true });
  }

  /** How many times `name` was hit in this universe, armed or not. */
  hits(name: FailpointName): number {
    return this.hitCounts.get(name) ?? 0;
  }

  /** Hit counts in order of first hit, when nothing is armed or parked (a setup's, to reuse); else null. */
  plainHits(): readonly (readonly [FailpointName, number])[] | null {
    if (this.actions.size > 0 || this.parks.size > 0) return null;
    return [...this.hitCounts];
  }

  /** Starts from `hits` (a reused setup's counts), before anything is hit. */
  restoreHits(hits: readonly (readonly [FailpointName, number])[]): void {
    if (this.hitCounts.size > 0) throw new Error("failpoint hits can be restored only before any hit");
    for (const [name, n] of hits) this.hitCounts.set(name, n);
  }

  /** Every name hit in this universe, in order of first hit. */
  hitNames(): FailpointName[] {
    return [...this.hitCounts.keys()];
  }

  /**
   * An actor reached `name`. Resolves once the actor is scheduled again, with "error" when the
   * armed action injects a failure; never resolves when the action crashes the process.
   */
  async hit(name: FailpointName): Promise<HitOutcome> {
    this.hitCounts.set(name, (this.hitCounts.get(name) ?? 0) + 1);
    let decision = this.decide(name);
    const planned = this.actions.has(name) ? null : this.host.plannedFault(name);
    if (planned) decision = planned;
    const park = this.parks.get(name);
    const released = park ? () => park.released : ALWAYS;
    await this.host.failpointHit(name, decision, released, planned !== null);
    return decision === "error" ? "error" : "pass";
  }

  private decide(name: FailpointName): HitDecision {
    const action = this.actions.get(name);
    if (!action) return "pass";
    const seen = this.armedHits.get(name) ?? 0;
    this.armedHits.set(name, seen + 1);
    if (action.kind !== "park") return outcomeOf(action, seen);
    const park = this.parks.get(name)!;
    if (park.reached || park.released) return "pass";
    park.reached = true;
    return "park";
  }
}

/** An error, crash, probe or off action's decision on the hit that saw `seen` armed hits before it. */
function outcomeOf(action: Exclude<FailpointAction, { kind: "park" }>, seen: number): HitDecision {
  switch (action.kind) {
    case "off":
    case "probe":
      return "pass";
    case "error": {
      const skip = action.skip ?? 0;
      if (seen < skip) return "pass";
      if (action.times !== undefined && seen >= skip + action.times) return "pass";
      return "error";
    }
    case "crash":
      return seen < (action.skip ?? 0) ? "pass" : "crash";
  }
}

const OFF: FailpointAction = { kind: "off" };
const ALWAYS = () => true;
