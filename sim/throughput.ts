// Honest throughput: the work a search did per second of wall time, in three units. Scheduling
// points (steps) measure the harness's speed; completed operations measure the work the engine
// model did (a universe cut short by an early crash completes few); universes per second is what
// a search budget buys. Measured, never asserted: nothing passes or fails on time.

export interface Work {
  readonly universes: number;
  readonly steps: number;
  readonly operationsCompleted: number;
}

export interface Throughput extends Work {
  readonly elapsedMs: number;
  readonly universesPerSecond: number;
  readonly stepsPerSecond: number;
  readonly operationsPerSecond: number;
}

export function throughputOf(work: Work, elapsedMs: number): Throughput {
  const per = (n: number) => (elapsedMs > 0 ? Math.round((n * 1000 * 10) / elapsedMs) / 10 : 0);
  return {
    universes: work.universes,
    steps: work.steps,
    operationsCompleted: work.operationsCompleted,
    elapsedMs: Math.round(elapsedMs),
    universesPerSecond: per(work.universes),
    stepsPerSecond: Math.round(per(work.steps)),
    operationsPerSecond: per(work.operationsCompleted),
  };
}

/** One line: `12,345 steps/s, 210.5 operations/s, 95.1 universes/s`. */
export function throughputLine(t: Throughput): string {
  return `${t.stepsPerSecond.toLocaleString("en-US")} steps/s, ${t.operationsPerSecond} operations/s, ${t.universesPerSecond} universes/s`;
}
