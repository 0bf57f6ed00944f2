// No bug named: several processes, each with a handle and one or two actors running random
// operations (writes, loads, deletes, maintenance, schema applies; with `branches`, also graph
// branches: create, delete, writes and reads on a branch, merges), with crashes and the
// harness's planned faults drawn from the seed, judged by the reference model's oracles alone.
import type { Client } from "./kit/client.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { WORKLOAD_SCHEMA } from "./kit/schemas.ts";
import { company, openIn, person, setupGraph } from "./kit/setup.ts";
import { note, runWorkload, SEED_COMPANIES, SEED_NOTES, SEED_PEOPLE } from "./kit/workload.ts";
import type { Scenario, ScenarioContext } from "./types.ts";

export interface WorkloadOptions {
  /** Operations per actor: at most this many (the tape picks how many), or exactly. */
  readonly operations: number;
  readonly exactOperations?: boolean;
  /** Draw branch operations too (`random-workload-branches`; the plain workload keeps its tapes). */
  readonly branches?: boolean;
}

export function randomWorkload(options: WorkloadOptions): Scenario {
  async function body(ctx: ScenarioContext): Promise<void> {
    const { world } = ctx;
    const seed = [SEED_PEOPLE.map((p) => person(p)), [...SEED_COMPANIES.map((c) => company(c)), ...SEED_NOTES.map((n) => note(n))]];
    await setupGraph(ctx, WORKLOAD_SCHEMA, seed);
    const processes = 1 + world.choose("processes", 3);
    const actors = [];
    for (let p = 0; p < processes; p++) {
      const client: Client = await openIn(ctx, `proc-${p}`, { crashable: true });
      const perProcess = 1 + world.choose(`actors in proc-${p}`, 2);
      for (let a = 0; a < perProcess; a++) {
        const name = `a${p}${a}`;
        const count = options.exactOperations ? options.operations : 1 + world.choose(`${name} operations`, options.operations);
        actors.push(client.spawn(name, (c) => runWorkload(world, c, name, count, { branches: options.branches ?? false })));
      }
    }
    await world.join(...actors);
  }
  return {
    name: options.branches ? "random-workload-branches" : "random-workload",
    summary: options.branches
      ? "the random workload with graph branches: creates, deletes, branch writes and reads, merges, with crashes and faults"
      : "random writes, loads, deletes, maintenance and schema applies over several processes, with crashes and faults",
    claim: { kind: "workload", redProfile: "seed" },
    crashBudget: 2,
    // Up to two actors per process: a crash lands anywhere in the process's run, so most
    // universes do most of their work before one.
    crashHorizon: 2 * options.operations * CRASH_HORIZON_PER_OPERATION,
    probe: PERSON_PROBE,
    searched: body,
  };
}

/**
 * The crash plan's horizon per operation of an actor, calibrated (test/scenarios/workload.test.ts):
 * crashes and planned faults still strike most universes, but late enough that the median one
 * completes over 80% of its operations. (An operation makes about six to ten durable writes.)
 */
const CRASH_HORIZON_PER_OPERATION = 16;

export const randomWorkloadScenario = randomWorkload({ operations: 30, exactOperations: true });

/** The same workload drawing graph branch operations as well. */
export const randomWorkloadBranchesScenario = randomWorkload({ operations: 30, exactOperations: true, branches: true });

/**
 * The workload with committers paused past their lease: the seeded fault plan's `latency` kind
 * holds a storage call up for a poll, a pause, or longer than the lease (`LATENCIES_MS`), so a
 * lease runs out under a live committer while others wait on it. The fixed engine's `ownerLease`
 * exists for exactly this: the next committer takes the lease over and recovers the paused one's
 * work, and the paused one must not publish, nor free the lease it no longer holds, when it wakes.
 * What the paused committer does by design is a documented limit (`sim/faults/judge.ts`); any
 * other violation stands.
 */
export const randomWorkloadPausesScenario: Scenario = {
  ...randomWorkload({ operations: 8, exactOperations: true }),
  name: "random-workload-pauses",
  summary: "the random workload with committers paused past their lease (latency faults): a successor recovers their work, and their late steps are fenced",
  storageFaults: ["latency"],
};
