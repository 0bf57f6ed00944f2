// A claim's search over a budget of seeds: every universe counted (no stop at a failure), the
// claimed symptom told apart from other bugs, and optionally a stop at the first claimed one.
import type { Fixes } from "../../engine/fixes.ts";
import { type OtherFinding, searchSeeds } from "../../sim/search.ts";
import type { StrategyFactory, UniverseResult, UniverseSpec } from "../../sim/universe.ts";
import type { Violation } from "../../sim/violations.ts";

export type { OtherFinding };

export interface SearchTally {
  readonly universes: number;
  readonly failing: number;
  readonly distinctExecutions: number;
  /** The first universe with any violation. */
  readonly firstFailure: UniverseResult | null;
  /** The first universe whose violations include the claimed symptom. */
  readonly firstClaimed: UniverseResult | null;
  readonly claimed: number;
  /** Violations that are not the claim, by signature, in order of first appearance. */
  readonly others: readonly OtherFinding[];
  /** Failpoints armed by a script in these universes. */
  readonly scriptArmed: readonly string[];
}

export interface TallyOptions {
  readonly spec: UniverseSpec;
  readonly fixes: Fixes;
  readonly budget: number;
  readonly fromSeed?: number;
  readonly strategyFor?: (seed: number) => StrategyFactory;
  /** Whether `v`, one of a universe's `all` violations, is the claim. */
  readonly isClaimed: (v: Violation, all: readonly Violation[]) => boolean;
  /** Stop at the first claimed symptom (a red check) instead of spending the whole budget. */
  readonly stopAtClaim?: boolean;
}

export async function tallySearch(o: TallyOptions): Promise<SearchTally> {
  const s = await searchSeeds({
    spec: o.spec,
    fixes: o.fixes,
    fromSeed: o.fromSeed ?? 1,
    universes: o.budget,
    keepGoing: true,
    isClaimed: o.isClaimed,
    stopAtClaim: o.stopAtClaim ?? false,
    ...(o.strategyFor ? { strategyFor: o.strategyFor } : {}),
  });
  return {
    universes: s.universes,
    failing: s.violations,
    distinctExecutions: s.executionDigests.length,
    firstFailure: s.firstFailure,
    firstClaimed: s.firstClaimed,
    claimed: s.claimed,
    others: s.others,
    scriptArmed: s.scriptArmed,
  };
}
