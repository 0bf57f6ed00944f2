// `omnisim merge-reports`: the JSON reports of the n shards of one search (`run --shard k/n
// --report FILE`, one per CI job) put together into the report one unsharded run would have
// written: the same verdict, first failing seed and universes counted. Shards are consecutive
// slices of the seeds (cli/parallel/shard.ts), so the first failure is the first failing shard's,
// and without --keep-going an unsharded run would have counted every universe before it and
// stopped there. Reports that are not the n shards of one search are refused.
import { type CrashFound, judgeCell, type Reported } from "../reported-failure.ts";
import { UsageError } from "../args.ts";

/** What a sharded run report carries about its shard (the unsharded search it is part of). */
export interface ShardInfo {
  readonly k: number;
  readonly n: number;
  /** The whole search: its first seed, its universes, whether it kept going after a failure. */
  readonly fromSeed: number;
  readonly universes: number;
  readonly keepGoing: boolean;
}

/** The fields of a `run` report that merging reads; the rest is carried from the deciding shard. */
export interface RunReport {
  readonly scenario: string;
  readonly profile: string;
  readonly form?: string;
  readonly strategyLabel?: string;
  readonly backend?: string;
  readonly fromSeed: number;
  readonly universes: number;
  readonly violations: number;
  readonly elapsedMs: number;
  readonly steps?: number;
  readonly operationsCompleted?: number;
  readonly firstFailure: { readonly seed: number } | null;
  readonly shard?: ShardInfo;
  readonly [field: string]: unknown;
}

export interface MergedRun {
  readonly merged: RunReport & { readonly shards: number; readonly elapsedMsSum: number };
  readonly failed: boolean;
}

/** The identity of a search: shards of one search agree on all of it. */
function searchOf(r: RunReport): string {
  const s = r.shard!;
  return JSON.stringify([r.scenario, r.profile, r.form ?? null, r.strategyLabel ?? null, r.backend ?? null, s.n, s.fromSeed, s.universes, s.keepGoing]);
}

export function mergeRunReports(reports: readonly RunReport[]): MergedRun {
  if (reports.length === 0) throw new UsageError("merge-reports needs at least one report");
  const missing = reports.findIndex((r) => !r.shard);
  if (missing >= 0) throw new UsageError(`report ${missing + 1} is not a shard's (no "shard" field: was it written by run --shard k/n --report FILE?)`);
  const search = searchOf(reports[0]!);
  const other = reports.findIndex((r) => searchOf(r) !== search);
  if (other >= 0) throw new UsageError(`report ${other + 1} is a shard of another search (scenario, profile, strategy, seeds or shard count differ)`);
  const n = reports[0]!.shard!.n;
  const byK = [...reports].sort((a, b) => a.shard!.k - b.shard!.k);
  const ks = byK.map((r) => r.shard!.k);
  const expected = Array.from({ length: n }, (_, i) => i + 1);
  if (JSON.stringify(ks) !== JSON.stringify(expected)) {
    const have = new Set(ks);
    const absent = expected.filter((k) => !have.has(k));
    const twice = ks.filter((k, i) => ks.indexOf(k) !== i);
    throw new UsageError(
      `need each of the ${n} shards once: ${absent.length ? `missing ${absent.map((k) => `${k}/${n}`).join(", ")}` : ""}${absent.length && twice.length ? "; " : ""}${twice.length ? `given twice ${[...new Set(twice)].map((k) => `${k}/${n}`).join(", ")}` : ""}`,
    );
  }
  const keepGoing = reports[0]!.shard!.keepGoing;
  const deciding = byK.find((r) => r.firstFailure !== null) ?? null;
  // Without --keep-going an unsharded run stops at the first failure: shards after it never ran.
  const counted = keepGoing || !deciding ? byK : byK.slice(0, byK.indexOf(deciding) + 1);
  const sum = (f: (r: RunReport) => number | undefined) => counted.reduce((t, r) => t + (f(r) ?? 0), 0);
  const base = deciding ?? byK[0]!;
  const { shard: _shard, ...carried } = base;
  return {
    merged: {
      ...carried,
      fromSeed: reports[0]!.shard!.fromSeed,
      universes: sum((r) => r.universes),
      violations: sum((r) => r.violations),
      steps: sum((r) => r.steps),
      operationsCompleted: sum((r) => r.operationsCompleted),
      firstFailure: deciding?.firstFailure ?? null,
      elapsedMs: Math.max(...byK.map((r) => r.elapsedMs)),
      elapsedMsSum: byK.reduce((t, r) => t + r.elapsedMs, 0),
      shards: n,
    },
    failed: deciding !== null,
  };
}

/** A row of a `hunt` report: one cell (scenario on profile), as merging reads it. */
export interface HuntRow {
  readonly scenario: string;
  readonly profile: string;
  /** `any`: a cell on a profile the scenario claims nothing about (`hunt --profile`). */
  readonly expected: "red" | "green" | "any";
  /** A control is green on every profile: any violation fails its cell. */
  readonly claim: "bug" | "control" | "workload";
  readonly universes: number;
  readonly violations: number;
  /** Universes that showed the scenario's own symptom, the first of them and its signature. */
  readonly claimed: number;
  readonly claimedSeed: number | null;
  readonly claimedViolation?: string | null;
  /** The universe the row reports (cli/reported-failure.ts), and a crash state of it. */
  readonly firstFailingSeed?: number | null;
  readonly failingCut?: string | null;
  /** Other bugs, with whether another scenario claims each as an open bug on this profile. */
  readonly others: readonly { readonly signature: string; readonly seed: number; readonly count: number; readonly known: boolean }[];
  readonly elapsedMs: number;
  readonly steps?: number;
  readonly operationsCompleted?: number;
  readonly shard: ShardInfo | null;
  readonly [field: string]: unknown;
}

export interface MergedHunt {
  readonly rows: readonly (HuntRow & { readonly shards: number; readonly asExpected: boolean })[];
  readonly failed: boolean;
}

/**
 * The shards of one hunt, cell by cell. A red cell stops at its own symptom, so its shards merge
 * as a run's do (the first shard that showed it decides, and later shards did not count); a
 * green cell spends its whole budget. A cell is judged, and its failure chosen, as `hunt` does it
 * (cli/reported-failure.ts), so the merged row reports the universe an unsharded hunt reports.
 * Every shard must hold the same cells.
 */
export function mergeHuntReports(reports: readonly { readonly rows: readonly HuntRow[] }[]): MergedHunt {
  if (reports.length === 0) throw new UsageError("merge-reports needs at least one report");
  const cellsOf = (r: { rows: readonly HuntRow[] }) => r.rows.map((row) => `${row.scenario} on ${row.profile}`).join("\n");
  const cells = cellsOf(reports[0]!);
  const other = reports.findIndex((r) => cellsOf(r) !== cells);
  if (other >= 0) throw new UsageError(`report ${other + 1} hunted other cells than report 1 (scenarios or profiles differ)`);
  const rows = reports[0]!.rows.map((_, i) => {
    const shards = reports.map((r) => r.rows[i]!);
    const red = shards[0]!.expected === "red";
    const { merged } = mergeRunReports(
      shards.map((row): RunReport => {
        const { shard, ...rest } = row;
        return {
          ...rest,
          fromSeed: shard?.fromSeed ?? 0,
          firstFailure: red && row.claimedSeed !== null ? { seed: row.claimedSeed } : null,
          ...(shard ? { shard: { ...shard, keepGoing: !red } } : {}),
        };
      }),
    );
    // The shards that counted: a red cell's up to the one that showed its symptom.
    const byK = [...shards].sort((a, b) => (a.shard?.k ?? 0) - (b.shard?.k ?? 0));
    const decidingAt = red ? byK.findIndex((r) => r.claimedSeed !== null) : -1;
    const counted = decidingAt >= 0 ? byK.slice(0, decidingAt + 1) : byK;
    // Each signature as one unsharded hunt meets it: first in the lowest shard that has it (shards
    // are consecutive slices of the seeds), whose universe also decided whether it is known.
    const others = new Map<string, HuntRow["others"][number]>();
    for (const o of counted.flatMap((r) => r.others)) {
      const seen = others.get(o.signature);
      others.set(o.signature, seen ? { ...seen, count: seen.count + o.count } : o);
    }
    // Crash states are enumerated by shard 1 alone (a cell's first seeds): they count once.
    const crash = (byK[0]!.crashStates ?? null) as CrashFound | null;
    const claimed = counted.reduce((t, r) => t + r.claimed, 0);
    const claiming = counted.find((r) => r.claimedSeed !== null) ?? null;
    const row = merged as unknown as HuntRow & { shards: number };
    const otherList = [...others.values()];
    const expected = shards[0]!.expected;
    const judged = judgeCell({
      claim: shards[0]!.claim,
      expected,
      universes: merged.universes,
      violations: merged.violations,
      claimed,
      claimedSeed: claiming?.claimedSeed ?? null,
      claimedViolation: (claiming?.claimedViolation as string | null | undefined) ?? null,
      others: otherList,
      crashStates: crash,
    });
    return {
      ...row,
      ...reportedFields(judged.reported, counted),
      expected,
      claimed,
      claimedSeed: claiming?.claimedSeed ?? null,
      claimedViolation: claiming?.claimedViolation ?? null,
      others: otherList,
      shards: merged.shards,
      crashStates: crash,
      because: judged.because,
      why: judged.why,
      asExpected: judged.asExpected,
    };
  });
  return { rows, failed: rows.some((r) => !r.asExpected) };
}

/** The fields of a hunt row that describe its reported failure. */
const REPORTED_FAILURE = ["firstFailingSeed", "failingCut", "firstViolation", "symptom", "member", "traceHash", "replay", "replayTape", "tape"] as const;

/**
 * The reported failure's fields, from the shard that ran its universe: that shard, judged alone,
 * reports the same universe (the lowest seed failing the cell overall is its lowest too). None
 * when the cell has no universe to report.
 */
function reportedFields(reported: Reported | null, counted: readonly HuntRow[]): Record<string, unknown> {
  if (reported === null) return { firstFailingSeed: null, failingCut: null, firstViolation: null, symptom: false, member: null, traceHash: null, replay: null, replayTape: null, tape: null };
  const from = counted.find((r) => r.firstFailingSeed === reported.seed && (r.failingCut ?? null) === reported.cut);
  if (!from) throw new UsageError(`the shard reports disagree: no shard reports seed ${reported.seed}, which fails ${counted[0]!.scenario} on ${counted[0]!.profile} (were they written by different versions?)`);
  return Object.fromEntries(REPORTED_FAILURE.map((k) => [k, from[k] ?? null]));
}
