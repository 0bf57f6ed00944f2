// The harness's seeded fault plan, decided where faults can matter: at every failpoint hit that
// no script armed, by an actor of a crashable process (one a scenario lets the search touch,
// never setup), while the universe's fault budget lasts, the tape chooses whether a fault
// strikes: an injected error, a crash of the actor's process, or nothing. Scenarios never
// choose their own faults, so a bug a searched form finds is one the search reached, not one
// its author placed. Bounded exhaustive search leaves every such choice at "nothing".

/** Planned faults a searched universe may suffer (scripted forms get none). */
export const SEARCHED_FAULT_BUDGET = 2;

/**
 * The choice's range for a process of `horizon` durable writes (about as many failpoint hits):
 * the last two values are an error and a crash, the rest pass. In a small scenario (horizon 8)
 * a hit faults one time in eight under a uniform strategy; in a long workload about once per
 * process run. The portfolio's data biases make faults rarer or far more common from universe to
 * universe (swarm testing).
 */
export function faultChoices(horizon: number): number {
  return Math.max(16, 2 * Math.round(horizon));
}

export type PlannedFault = "error" | "crash";

export function plannedFaultOf(choice: number, choices: number): PlannedFault | null {
  if (choice === choices - 2) return "error";
  if (choice === choices - 1) return "crash";
  return null;
}
