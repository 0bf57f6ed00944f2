// Whether a hunt cell holds, and which universe it reports: one rule, read by `hunt` (a cell's
// search) and by `merge-reports` (a cell's shards put back together), so that a sharded hunt
// names the seed an unsharded one names.
//
// A failing cell reports the first universe that fails it under its judging rule, not the first
// universe with any violation: that one may show another scenario's open bug, which the cell
// expects, and a user replaying it would see an expected bug instead of why the cell failed. A
// red cell that fails only because its own symptom never showed has no universe to replay, and
// says so. A cell that holds reports what it showed: its own symptom's first universe, else the
// first violation met (a known bug).
import { cellHolds } from "../scenarios/verify/checks.ts";
import type { Expectation } from "../scenarios/verify/hunt-cells.ts";

/** A violation that is not the cell's own symptom, by signature: its first seed, and whether another scenario claims it as an open bug there. */
export interface OtherFound {
  readonly signature: string;
  readonly seed: number;
  readonly known: boolean;
}

/** What a cell's crash-state enumeration found (hunt `--crash-seeds`; shard 1's alone when sharded). */
export interface CrashFound {
  readonly violations: number;
  readonly claimed: number;
  /** The first failing state: its own symptom's first, else any. */
  readonly first: { readonly seed: number; readonly cut: string; readonly signature: string; readonly claimed: boolean } | null;
  readonly others: readonly (OtherFound & { readonly cut: string })[];
}

/** What the judging rule reads of a cell: a hunt row's fields, or merged shards'. */
export interface CellFindings {
  readonly claim: "bug" | "control" | "workload";
  readonly expected: Expectation;
  readonly universes: number;
  /** Universes with any violation. */
  readonly violations: number;
  /** Universes showing the scenario's own symptom, the first of them, and that symptom's signature. */
  readonly claimed: number;
  readonly claimedSeed: number | null;
  readonly claimedViolation: string | null;
  /** In order of first appearance (so of first seed). */
  readonly others: readonly OtherFound[];
  readonly crashStates: CrashFound | null;
}

/** Why a cell is judged as it is. */
export type Because =
  | "as-expected"
  /** A control showed a violation. */
  | "control-violation"
  /** The scenario's own symptom showed where the cell expects green. */
  | "own-symptom"
  /** A violation no scenario claims as an open bug on the cell's profile. */
  | "unknown-bug"
  /** A red cell whose own symptom never showed, and nothing else failed it: no universe to replay. */
  | "symptom-not-shown";

/** The universe a cell reports (a crash state of it when `cut` is set), and the violation that decided. */
export interface Reported {
  readonly seed: number;
  readonly cut: string | null;
  readonly violation: string;
  /** Whether that violation is the scenario's own symptom. */
  readonly ownSymptom: boolean;
}

export interface CellJudgement {
  readonly asExpected: boolean;
  readonly because: Because;
  readonly reported: Reported | null;
  /** One line on why the cell fails; null when it holds. */
  readonly why: string | null;
}

export function judgeCell(f: CellFindings): CellJudgement {
  const crash = f.crashStates;
  const crashOthers = crash?.others ?? [];
  const own: Reported | null = f.claimedSeed === null ? null : { seed: f.claimedSeed, cut: null, violation: f.claimedViolation ?? "its own symptom", ownSymptom: true };
  // Crash states count as more universes (as hunt has always judged them).
  const asExpected =
    f.claim === "control"
      ? f.violations === 0 && (crash?.violations ?? 0) === 0
      : f.expected === "any"
        ? [...f.others, ...crashOthers].every((o) => o.known)
        : cellHolds(f.expected === "red", f.claimed + (crash?.claimed ?? 0), [...f.others, ...crashOthers]);
  if (asExpected) return { asExpected, because: "as-expected", reported: own ?? lowest(f.others.map(asReported)), why: null };
  const symptomMissing = f.expected === "red" && f.claim !== "control" && f.claimed + (crash?.claimed ?? 0) === 0;
  // Universes first: they replay from a seed and shrink; a crash state only when no universe fails the cell.
  const failing =
    f.claim === "control"
      ? { universe: lowest(f.others.map(asReported)), crash: crash?.first ? crashReported(crash.first) : null, because: "control-violation" as const }
      : {
          universe: lowest([...(f.expected === "green" && own ? [own] : []), ...f.others.filter((o) => !o.known).map(asReported)]),
          crash: lowest([
            ...(f.expected === "green" && crash?.first?.claimed ? [crashReported(crash.first)] : []),
            ...crashOthers.filter((o) => !o.known).map((o) => ({ ...asReported(o), cut: o.cut })),
          ]),
          because: null,
        };
  const reported = failing.universe ?? failing.crash;
  if (reported === null) return { asExpected, because: "symptom-not-shown", reported: null, why: notShown(f) };
  const because = failing.because ?? (reported.ownSymptom ? "own-symptom" : "unknown-bug");
  const at = reported.cut === null ? `seed ${reported.seed}` : `cut ${reported.cut} of seed ${reported.seed}`;
  const lead =
    because === "control-violation"
      ? `a violation on a control, ${reported.violation}, at ${at}`
      : because === "own-symptom"
        ? `its own symptom ${reported.violation} at ${at}, where it must be green`
        : `an unknown bug ${reported.violation} at ${at} (no scenario claims it as an open bug on this profile)`;
  return { asExpected, because, reported, why: symptomMissing ? `${lead}; and ${notShown(f)}` : lead };
}

function notShown(f: CellFindings): string {
  return `its own symptom never showed in ${f.universes} universe(s): no universe to replay`;
}

function asReported(o: OtherFound): Reported {
  return { seed: o.seed, cut: null, violation: o.signature, ownSymptom: false };
}

function crashReported(first: NonNullable<CrashFound["first"]>): Reported {
  return { seed: first.seed, cut: first.cut, violation: first.signature, ownSymptom: first.claimed };
}

/** The lowest seed's; of equal seeds, the first given (others come in order of first appearance). */
function lowest(candidates: readonly Reported[]): Reported | null {
  let best: Reported | null = null;
  for (const c of candidates) if (best === null || c.seed < best.seed) best = c;
  return best;
}
