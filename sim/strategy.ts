// Strategies decide the values on the choice tape. The scheduler asks at every real choice;
// the strategy answers with an index. Replay, random walk, PCT and bounded exhaustive search
// are all strategies over the same two questions.
import type { StepInfo } from "./step.ts";

/** An actor as a strategy sees it. */
export interface ActorView {
  readonly id: number;
  readonly name: string;
  readonly procId: number;
  /** Steps this actor has been granted so far. */
  readonly steps: number;
}

export type StepOption =
  | { readonly kind: "grant"; readonly actor: ActorView; readonly step: StepInfo }
  | { readonly kind: "crash"; readonly procId: number; readonly procName: string };

/** Which runnable actor takes the next step, or which process crashes instead. */
export interface StepDecision {
  /** Ordinal of this choice on the tape. */
  readonly ordinal: number;
  /** Steps granted so far in the universe. */
  readonly stepCount: number;
  /**
   * Grants first (the actor that ran last, if it still can, then by actor id), then crashes.
   * Index 0 is always the choice that changes least.
   */
  readonly options: readonly StepOption[];
}

/** A choice the scenario makes: an operation, a knob, a fault to arm. */
export interface DataDecision {
  readonly ordinal: number;
  readonly label: string;
  readonly n: number;
  /** A fault the search may inject (the fault plan); bounded exhaustive search leaves it at 0. */
  readonly bounded?: boolean;
}

export interface Strategy {
  readonly name: string;
  /** An index into `d.options`; the scheduler wraps anything out of range. */
  chooseStep(d: StepDecision): number;
  /** A value in [0, d.n); wrapped likewise. */
  chooseData(d: DataDecision): number;
}
