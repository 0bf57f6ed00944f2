// A swarm knob of the seeded fault plan (`fault-plan.ts`): who it may strike. In most universes,
// only the actors of processes the scenario marks crashable, as the scenario's premise says; in
// one universe in FAULTS_EVERYWHERE_ONE_IN (drawn from the universe's seed, so a replay of its
// tape, a shrink and a saved ledger entry, all of the same seed, draw the same), every actor the
// scenario spawned. Failpoints that only unmarked processes pass (a merge's, in the merge
// scenarios, and the sidecar confirmation merges write) are then armed in some universes. A
// director (which runs setups and the final restart) is never struck.
import { pick, type SeedTree } from "./seed.ts";

export const FAULTS_EVERYWHERE_ONE_IN = 4;

/** Whether the universe of `seeds` lets the fault plan strike every spawned actor. */
export function faultsEverywhere(seeds: SeedTree): boolean {
  return pick(seeds.child("swarm-faults-everywhere").prng(), FAULTS_EVERYWHERE_ONE_IN) === 0;
}
