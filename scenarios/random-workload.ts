// No bug named: several processes, each with a handle and one or two actors running random
// operations (writes, loads, deletes, maintenance, schema applies), with crashes and armed
// faults drawn from the seed, judged by the reference model's oracles alone.
import { FP, type FailpointName } from "../failpoints/catalog.ts";
import type { Client } from "./kit/client.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { WORKLOAD_SCHEMA } from "./kit/schemas.ts";
import { company, openIn, person, setupGraph } from "./kit/setup.ts";
import { runWorkload, SEED_COMPANIES, SEED_PEOPLE } from "./kit/workload.ts";
import type { Scenario, ScenarioContext } from "./types.ts";

/** Boundaries where an armed fault may strike once: an injected error or a crash. */
const FAULT_POINTS: readonly FailpointName[] = [
  FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER,
  FP.RECOVERY_SIDECAR_WRITE,
  FP.RECOVERY_SIDECAR_DELETE,
  FP.RECOVERY_RECORD_AUDIT,
  FP.GRAPH_PUBLISH_AFTER_MANIFEST_COMMIT,
  FP.GRAPH_PUBLISH_BEFORE_COMMIT_APPEND,
  FP.OPTIMIZE_POST_PHASE_B_PRE_MANIFEST_COMMIT,
  FP.ENSURE_INDICES_POST_PHASE_B_PRE_MANIFEST_COMMIT,
  FP.SCHEMA_APPLY_AFTER_STAGING_WRITE,
  FP.SCHEMA_APPLY_AFTER_MANIFEST_COMMIT,
  FP.MUTATION_DELETE_NODE_PRE_PRIMARY_DELETE,
];

export interface WorkloadOptions {
  /** Operations per actor: at most this many (the tape picks how many), or exactly. */
  readonly operations: number;
  readonly exactOperations?: boolean;
}

export function randomWorkload(options: WorkloadOptions): Scenario {
  async function body(ctx: ScenarioContext): Promise<void> {
    const { world } = ctx;
    const seed = [SEED_PEOPLE.map((p) => person(p)), SEED_COMPANIES.map((c) => company(c))];
    await setupGraph(ctx, WORKLOAD_SCHEMA, seed);
    if (world.chance("a fault is armed")) {
      const point = FAULT_POINTS[world.choose("where the fault strikes", FAULT_POINTS.length)]!;
      const kind = world.chance("the fault crashes its process") ? "crash" : "error";
      world.failpoints.set(point, { kind, times: 1, skip: world.choose("hits before the fault", 3) });
    }
    const processes = 1 + world.choose("processes", 3);
    const actors = [];
    for (let p = 0; p < processes; p++) {
      const client: Client = await openIn(ctx, `proc-${p}`, { crashable: true });
      const perProcess = 1 + world.choose(`actors in proc-${p}`, 2);
      for (let a = 0; a < perProcess; a++) {
        const name = `a${p}${a}`;
        const count = options.exactOperations ? options.operations : 1 + world.choose(`${name} operations`, options.operations);
        actors.push(client.spawn(name, (c) => runWorkload(world, c, name, count)));
      }
    }
    await world.join(...actors);
  }
  return {
    name: "random-workload",
    bug: "none",
    summary: "random writes, loads, deletes, maintenance and schema applies over several processes, with crashes and faults",
    redProfile: "seed",
    symptoms: [],
    actors: ["1-3 processes x 1-2 actors"],
    oracles: ["every standard oracle", "liveness"],
    crashBudget: 2,
    probe: PERSON_PROBE,
    searched: body,
  };
}

export const randomWorkloadScenario = randomWorkload({ operations: 10 });
