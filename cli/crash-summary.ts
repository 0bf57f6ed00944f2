// The outcomes of a crash-state enumeration, seed by seed, put together: states, distinct
// durable states, rates, and the failing states in seed and enumeration order.
import type { CrashSeedOutcome, FailingState } from "./parallel/crash-task.ts";

export interface CrashSummary {
  readonly seeds: number;
  readonly writes: number;
  readonly recoveryWrites: number;
  readonly states: number;
  readonly statesByDepth: readonly number[];
  readonly distinctStates: number;
  /** 64-bit prefixes of the distinct durable states' digests, sorted (a shard's report carries them). */
  readonly digests: readonly string[];
  readonly statesPerSecond: number;
  /** States per uncut universe. */
  readonly statesPerUniverse: number;
  readonly steps: number;
  /** Futures run, states that shared an equivalent state's future, and failing shared states that passed on their own. */
  readonly futures: number;
  readonly shared: number;
  readonly mismatches: number;
  /** States with a violation. */
  readonly violations: number;
  readonly failing: readonly FailingState[];
  readonly firstViolation: FailingState | null;
  /** Violations by signature, most frequent first. */
  readonly signatures: readonly { readonly signature: string; readonly count: number }[];
  readonly baseFailures: readonly ({ readonly seed: number } & NonNullable<CrashSeedOutcome["baseFailure"]>)[];
  readonly stopped: boolean;
}

/** Digest prefixes long enough to tell durable states apart (64 bits). */
export const DIGEST_PREFIX = 16;

export function summarizeCrashes(outcomes: readonly CrashSeedOutcome[], elapsedMs: number, extraDigests: readonly string[] = []): CrashSummary {
  const digests = new Set<string>(extraDigests);
  const byDepth: number[] = [];
  const signatures = new Map<string, number>();
  let states = 0;
  let writes = 0;
  let recoveryWrites = 0;
  let steps = 0;
  let violations = 0;
  let futures = 0;
  let shared = 0;
  let mismatches = 0;
  for (const o of outcomes) {
    futures += o.futures;
    shared += o.shared;
    mismatches += o.mismatches;
    states += o.states;
    writes += o.writes;
    recoveryWrites += o.recoveryWrites;
    steps += o.steps;
    violations += o.violations;
    o.statesByDepth.forEach((n, i) => (byDepth[i] = (byDepth[i] ?? 0) + n));
    for (const d of o.digests) digests.add(d.slice(0, DIGEST_PREFIX));
    for (const f of o.failing) signatures.set(f.signature, (signatures.get(f.signature) ?? 0) + 1);
  }
  const failing = outcomes.flatMap((o) => o.failing);
  return {
    seeds: outcomes.length,
    writes,
    recoveryWrites,
    states,
    statesByDepth: byDepth,
    distinctStates: digests.size,
    digests: [...digests].sort(),
    statesPerSecond: elapsedMs > 0 ? Math.round((states * 1000) / elapsedMs) : 0,
    statesPerUniverse: outcomes.length > 0 ? Math.round(states / outcomes.length) : 0,
    steps,
    futures,
    shared,
    mismatches,
    violations,
    failing,
    firstViolation: failing[0] ?? null,
    signatures: [...signatures].sort((a, b) => b[1] - a[1]).map(([signature, count]) => ({ signature, count })),
    baseFailures: outcomes.flatMap((o) => (o.baseFailure ? [{ seed: o.seed, ...o.baseFailure }] : [])),
    stopped: outcomes.some((o) => o.stopped),
  };
}
