// Shrinking a failing universe. The universe is named by its seed and its choice tape; the seed
// stays fixed (so ids and the clock stay the same) while fast-check's own shrinker for
// `fc.array(fc.nat())`, started from the failing tape as an example, removes and lowers choices
// as long as a replay of the candidate still fails first with the same signature (violation
// kind, error kind, operation and actor role: `signature.ts`), or, for a hunt's deciding
// violation that followed another, still shows it anywhere (`anywhere`). Tapes
// decode tolerantly, so every candidate means something: a shorter tape ends in default
// choices (keep running the same actor, crash nothing, draw the first option), and scenario
// knobs (operation counts, actors, armed faults) are choices too, so they shrink with it.
import fc from "fast-check";
import type { Fixes } from "../../engine/fixes.ts";
import { ReplayStrategy } from "../strategies/replay.ts";
import type { Tape } from "../tape.ts";
import { type FailureSignature, sameSignature, showsSignature, signatureOf } from "./signature.ts";
import { type BackendFactory, runUniverse, type UniverseResult, type UniverseSpec } from "../universe.ts";

/** Replays a shrink may spend unless told otherwise. */
export const DEFAULT_SHRINK_REPLAYS = 2_000;

/**
 * Scheduling points a shrink may replay in all unless told otherwise. The replay count alone
 * let one long tape (a random workload's thousands of choices, each replay tens of thousands of
 * points) take minutes for a few percent; a budget of work, not of wall time, keeps the result
 * the same on any machine. A small scenario's 2,000 replays stay well inside it.
 */
export const DEFAULT_SHRINK_STEPS = 3_000_000;

export interface ShrinkOptions {
  readonly spec: UniverseSpec;
  readonly fixes: Fixes;
  readonly seed: number;
  /** The failing tape. */
  readonly tape: Tape;
  /** The failure that must still come first (default: the tape's own first violation's). */
  readonly signature?: FailureSignature;
  /**
   * Whether `signature` may show after another violation, not only first: a hunt's deciding
   * violation (an unknown bug) can follow a known one in its universe, and must survive the
   * shrink wherever it comes.
   */
  readonly anywhere?: boolean;
  /** Awaited after each replay (progress, and letting Ctrl-C through). */
  readonly onReplay?: (replays: number, budget: number) => Promise<void>;
  /** At most this many replays; candidates past it count as passing, which ends the shrink. */
  readonly maxReplays?: number;
  /** At most this many scheduling points over all replays (the same rule as `maxReplays`). */
  readonly maxSteps?: number;
  readonly backend?: BackendFactory;
}

export interface ShrinkResult {
  readonly kind: string;
  /** The signature every accepted candidate kept. */
  readonly signature: FailureSignature;
  /** The minimal tape found: values as decoded, trailing default choices dropped. */
  readonly tape: number[];
  readonly before: number;
  readonly after: number;
  /** Universes replayed, the checks of the start and the end included. */
  readonly replays: number;
  /** Scheduling points replayed, over every replay. */
  readonly steps: number;
  /** The replay or step budget ran out before fast-check had tried every candidate. */
  readonly budgetSpent: boolean;
  /** The replay of the minimal tape. */
  readonly result: UniverseResult;
}

export class ShrinkError extends Error {
  override readonly name = "ShrinkError";
}

export function replayTape(options: { spec: UniverseSpec; fixes: Fixes; seed: number; tape: Tape; backend?: BackendFactory }): Promise<UniverseResult> {
  return runUniverse({
    spec: options.spec,
    seed: options.seed,
    fixes: options.fixes,
    strategy: () => new ReplayStrategy(options.tape),
    ...(options.backend ? { backend: options.backend } : {}),
  });
}

/** The kind of the first violation, or null for a passing universe. */
export function firstKind(result: UniverseResult): string | null {
  return result.violations[0]?.kind ?? null;
}

/** A tape without its trailing zeros: they are the default choices a replay makes anyway. */
export function trimTape(tape: Tape): number[] {
  let end = tape.length;
  while (end > 0 && tape[end - 1] === 0) end--;
  return tape.slice(0, end);
}

/**
 * A candidate tape's test, and whether the budget is spent: once it is, every pass stops at
 * once (a pass that went on asking would only copy tapes: on a tape of thousands of choices
 * the pair passes alone are billions of element copies).
 */
interface Probe {
  fails(t: Tape): Promise<boolean>;
  spent(): boolean;
}

/**
 * The shortest prefix that still fails, by bisection (a good guess, not a guarantee: failing
 * need not be monotone in the prefix length). It costs a handful of replays and spares
 * fast-check most of the long tail of a long tape.
 */
async function shortestPrefix(tape: number[], probe: Probe): Promise<number[]> {
  let lo = 0;
  let hi = tape.length;
  while (lo < hi && !probe.spent()) {
    const mid = Math.floor((lo + hi) / 2);
    if (await probe.fails(tape.slice(0, mid))) hi = mid;
    else lo = mid + 1;
  }
  // `hi` only moves on a prefix that failed, so `tape.slice(0, hi)` needs no second replay.
  return hi < tape.length ? trimTape(tape.slice(0, hi)) : tape;
}

/**
 * Step choices are relative (0 keeps the actor that ran last), so a switch away and back is two
 * 1s in a row, and lowering either alone changes every later step; fast-check moves one value at
 * a time. Zeroing both at once undoes the detour in one move.
 */
async function zeroPairs(tape: number[], probe: Probe): Promise<number[]> {
  let t = tape;
  for (let i = 0; i + 1 < t.length && !probe.spent(); i++) {
    if (t[i] === 0 && t[i + 1] === 0) continue;
    const candidate = [...t];
    candidate[i] = 0;
    candidate[i + 1] = 0;
    if (await probe.fails(candidate)) {
      t = trimTape(candidate);
      i = Math.max(-1, i - 2);
    }
  }
  return t;
}

/**
 * The same, for a detour with steps in between (away at i, back at j): zeroing any two non-zero
 * choices at once, then any one, keeping each candidate that still fails.
 */
async function zeroSpreadPairs(tape: number[], probe: Probe): Promise<number[]> {
  let t = tape;
  const nonZero = () => t.flatMap((v, i) => (v === 0 ? [] : [i]));
  for (let changed = true; changed; ) {
    changed = false;
    const nz = nonZero();
    search: for (let a = 0; a < nz.length; a++) {
      for (let b = a; b < nz.length; b++) {
        if (probe.spent()) break search;
        const candidate = [...t];
        candidate[nz[a]!] = 0;
        candidate[nz[b]!] = 0;
        if (await probe.fails(candidate)) {
          t = trimTape(candidate);
          changed = true;
          break search;
        }
      }
    }
  }
  return t;
}

/**
 * fast-check's own shrinker for `fc.array(fc.nat())`, walked as its runner walks it (take the
 * first candidate that still fails, then shrink that one with its context), but lazily: the
 * walk stops the moment the budget is spent. `fc.check` would go on drawing every remaining
 * candidate of a tape of thousands of choices after the budget refused them, for minutes.
 */
async function arrayShrink(tape: number[], probe: Probe): Promise<number[]> {
  const arbitrary = fc.array(fc.nat());
  let current = tape;
  let context: unknown = undefined;
  walk: for (;;) {
    for (const candidate of arbitrary.shrink(current, context)) {
      if (probe.spent()) break walk;
      if (await probe.fails(candidate.value)) {
        current = candidate.value;
        context = candidate.context;
        continue walk;
      }
    }
    return current;
  }
  return current;
}

function sum(tape: Tape): number {
  return tape.reduce((a, b) => a + b, 0);
}

export async function shrinkTape(options: ShrinkOptions): Promise<ShrinkResult> {
  const budget = options.maxReplays ?? DEFAULT_SHRINK_REPLAYS;
  const stepBudget = options.maxSteps ?? DEFAULT_SHRINK_STEPS;
  let replays = 0;
  let steps = 0;
  const replay = async (tape: Tape) => {
    replays++;
    const result = await replayTape({ ...options, tape });
    steps += result.steps;
    await options.onReplay?.(replays, budget);
    return result;
  };
  const start = trimTape(options.tape);
  const first = await replay(start);
  const signature = options.signature ?? signatureOf(first);
  const keeps = (result: UniverseResult) => signature !== null && (options.anywhere ? showsSignature(result, signature) : sameSignature(signatureOf(result), signature));
  if (signature === null || !keeps(first)) {
    throw new ShrinkError(
      `the tape does not reproduce ${options.signature?.kind ?? "a violation"} on seed ${options.seed} (its replay ${firstKind(first) === null ? "passes" : `fails with ${firstKind(first)}`})`,
    );
  }
  const kind = signature.kind;
  let spent = false;
  const probe: Probe = {
    fails: async (candidate) => {
      if (probe.spent()) return false;
      return keeps(await replay(candidate));
    },
    // Asked only when a pass wants another candidate: true means the budget cut the shrink short.
    spent: () => (spent ||= replays >= budget || steps >= stepBudget),
  };
  let best = await shortestPrefix(start, probe);
  let overflowed = false;
  for (;;) {
    let shrunk = best;
    try {
      shrunk = trimTape(await arrayShrink(best, probe));
    } catch (e) {
      // fast-check's array shrinker recurses once per element it drops: on a tape of thousands
      // of choices it can overflow the stack. The bisected tape still fails the same way; keep it
      // and let the pair passes go on, rather than lose a found violation to the shrinker.
      if (!(e instanceof RangeError)) throw e;
      overflowed = true;
    }
    const paired = await zeroSpreadPairs(await zeroPairs(shrunk, probe), probe);
    const improved = paired.length < best.length || (paired.length === best.length && sum(paired) < sum(best));
    best = paired;
    if (!improved || spent || overflowed) break;
  }
  const found = best;
  // Canonical form: the values as the scheduler decoded them, trailing defaults dropped.
  const decoded = await replay(found);
  let tape = trimTape(decoded.tape.slice(0, found.length));
  const same = tape.length === found.length && tape.every((v, i) => v === found[i]);
  let result = same ? decoded : await replay(tape);
  if (!keeps(result)) {
    // Decoding should make this impossible; keep the candidate fast-check returned.
    tape = [...found];
    result = decoded;
  }
  if (tape.length > start.length) {
    tape = start;
    result = first;
  }
  return { kind, signature, tape, before: options.tape.length, after: tape.length, replays, steps, budgetSpent: spent, result };
}
