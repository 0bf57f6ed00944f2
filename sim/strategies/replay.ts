// Tape replay: the i-th choice is the i-th value of the tape. Past its end every choice is
// 0, so a shortened tape still runs to completion (the scheduler wraps values out of range).
import type { Tape } from "../tape.ts";
import type { DataDecision, StepDecision, Strategy } from "../strategy.ts";

export class ReplayStrategy implements Strategy {
  readonly name = "replay";

  constructor(private readonly tape: Tape) {}

  chooseStep(d: StepDecision): number {
    return this.tape[d.ordinal] ?? 0;
  }

  chooseData(d: DataDecision): number {
    return this.tape[d.ordinal] ?? 0;
  }
}
