// No bug named: schema applies paused past their branch lease beside writers of other
// processes. `random-workload-pauses` pauses any committer, but a schema apply is one operation
// in twenty-two of its mix and a pause past the lease strikes any call: a pause of an apply
// between its last check and its publish, with a successor taking the lease over, recovering the
// apply and giving the lease back before it wakes, came in none of that cell's 1,500 universes at
// 2fe9664. That schedule is one the publisher's lease fence guards: the successor rolls the
// apply's Overwrite back (its staging never promoted) and publishes the restore, and an apply let
// through an expired fence would publish its rewrite over it. Under `readSetToken` (upstream and
// fixed) the apply's publish also expects the graph head and pins it captured (62a9c3fe), so the
// fence is no longer its only guard there: with the fence dropped (the mutant
// `lease-fence-unchecked`) this cell stays green. Here only the applier's process suffers faults, so
// the seeded fault plan's strikes (three at most) fall on the apply's own calls, and its staging
// puts (object writes, the most likely strikes) lie in that window; the writers' processes never
// pause, so they are there, polling the lease, when it runs out. Nothing crashes: a crash kills
// the paused apply before its late publish more often than not (measured with the fence dropped,
// 300 portfolio universes on `fixed`: 6 fail with a crash budget of 1, 16 without crashes), and
// the random workloads search crashes beside pauses already.
import { PERSON_PROBE } from "./kit/probe.ts";
import { WORKLOAD_SCHEMA } from "./kit/schemas.ts";
import { company, openIn, person, setupGraph } from "./kit/setup.ts";
import { note, runWorkload, SEED_COMPANIES, SEED_NOTES, SEED_PEOPLE, INDEXED, WITH_NICKNAME } from "./kit/workload.ts";
import type { Scenario, ScenarioContext } from "./types.ts";

/** Schema applies of the applier: each toggles `nickname`, so every one rewrites node:Person. */
const APPLIES = 3;

/** Operations of each writer: enough that one is waiting on the lease through most applies. */
const WRITER_OPERATIONS = 4;

async function body(ctx: ScenarioContext): Promise<void> {
  const { world } = ctx;
  const seed = [SEED_PEOPLE.map((p) => person(p)), [...SEED_COMPANIES.map((c) => company(c)), ...SEED_NOTES.map((n) => note(n))]];
  await setupGraph(ctx, WORKLOAD_SCHEMA, seed);
  const applier = await openIn(ctx, "applier", { crashable: true });
  const actors = [
    applier.spawn("apply", async (c) => {
      world.plannedOperations += APPLIES;
      for (let i = 0; i < APPLIES; i++) await c.applySchema(`schema apply ${i}`, i % 2 === 0 ? WITH_NICKNAME : INDEXED);
    }),
  ];
  // One or two writer processes, one writer each: random writes, loads and maintenance.
  const processes = 1 + world.choose("writer processes", 2);
  for (let p = 0; p < processes; p++) {
    const client = await openIn(ctx, `proc-${p}`);
    const name = `w${p}`;
    actors.push(client.spawn(name, (c) => runWorkload(world, c, name, WRITER_OPERATIONS)));
  }
  await world.join(...actors);
}

export const schemaApplyPausesScenario: Scenario = {
  name: "schema-apply-pauses",
  summary: "schema applies paused past their lease (latency faults) beside writers: a successor recovers the apply, and its late publish is fenced",
  claim: { kind: "workload", redProfile: "seed" },
  crashBudget: 0,
  // No crash is planned; the horizon sizes the fault plan's strike chance (`sim/faults/plan.ts`):
  // a small one makes strikes likely (at 4 and the plan's highest rate, one read in 16 and one
  // object write in 4 strike).
  crashHorizon: 4,
  probe: PERSON_PROBE,
  storageFaults: ["latency"],
  searched: body,
};
