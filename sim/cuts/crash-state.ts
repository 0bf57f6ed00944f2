// Crash states and their names. A state is named like a position on a tape: `117b` is "the
// writer died just before the universe's 117th durable write", `117a` "just after it", `end`
// "the universe ran to its end and then stopped"; a double fault adds the recovering process's
// own cut after a dot: `117a.3b` is "then the process recovering from 117a died just before its
// 3rd durable write". With the scenario, profile, strategy and seed, the name replays the state
// exactly (`omnisim replay ... --cut 117a.3b`).
import type { AliveProcess, DurableWrite } from "./recorder.ts";
import type { StoreSnapshot } from "../store/virtual-store.ts";

export type CutSide = "before" | "after";

/** One level of a state's name: a durable write and a side, or the end of the run. */
export type CutStep = { readonly write: number; readonly side: CutSide } | { readonly write: "end" };

/** A crash state's name: the cut of the universe, then (a double fault) the cut of its recovery. */
export type CutName = readonly [CutStep] | readonly [CutStep, CutStep];

/** How deep cuts go: a crash, then a crash of the process recovering from it. */
export const MAX_CUT_DEPTH = 2;

export function formatCutStep(s: CutStep): string {
  return s.write === "end" ? "end" : `${s.write}${s.side === "before" ? "b" : "a"}`;
}

export function formatCut(name: CutName): string {
  return name.map(formatCutStep).join(".");
}

/** Parses `117a`, `117b`, `end`, `117a.3b`; null when malformed. */
export function parseCut(text: string): CutName | null {
  const parts = text.trim().split(".");
  if (parts.length < 1 || parts.length > MAX_CUT_DEPTH) return null;
  const steps: CutStep[] = [];
  for (const p of parts) {
    if (p === "end") {
      steps.push({ write: "end" });
      continue;
    }
    const m = /^([1-9]\d*)([ab])$/.exec(p);
    if (!m || !Number.isSafeInteger(Number(m[1]))) return null;
    steps.push({ write: Number(m[1]), side: m[2] === "b" ? "before" : "after" });
  }
  return steps as unknown as CutName;
}

/** Everything a future forked at a state starts from. */
export interface CrashState {
  readonly name: CutName;
  /** The durable state the crash left. */
  readonly store: StoreSnapshot;
  /** How much of the parent's trace happened before the crash. */
  readonly traceLength: number;
  readonly clockMs: number;
  readonly stepCount: number;
  /** The processes that died there, with the actors they took. */
  readonly dying: readonly AliveProcess[];
  /** The write it cuts at; null at the end of the run. */
  readonly write: DurableWrite | null;
}

/** Where a finished run stood at its end (the `end` state). */
export interface RunEnd {
  readonly store: StoreSnapshot;
  readonly traceLength: number;
  readonly clockMs: number;
  readonly stepCount: number;
}

/** The state at `step` of a parent whose recorded writes are `writes` (and whose end, if it has one as a state, is `end`). */
export function stateAt(parent: CutName | null, step: CutStep, writes: readonly DurableWrite[], end: RunEnd | null): CrashState | null {
  const name = (parent ? [...parent, step] : [step]) as unknown as CutName;
  if (step.write === "end") return end ? { name, ...end, dying: [], write: null } : null;
  const w = writes[step.write - 1];
  if (!w) return null;
  const before = step.side === "before";
  return {
    name,
    store: before ? w.before : w.after,
    traceLength: before ? w.traceBefore : w.traceAfter,
    clockMs: w.clockMs,
    stepCount: w.stepCount,
    dying: w.alive,
    write: w,
  };
}

/** A state's write, for reports: `datasets.commit nodes/... by a01 (part 1 of 2)`. */
export function describeWrite(w: DurableWrite): string {
  const part = w.part ? ` (part ${w.part.n} of ${w.part.of})` : "";
  return `${w.call.op}${w.call.subject ? ` ${w.call.subject}` : ""} by ${w.actor}${part}`;
}
