// B8: at the seed a delete commits inline, during execution, before its sidecar exists. A crash
// between the delete and the sidecar write leaves drift that no sidecar covers: the next open
// cannot recover it, and writes to the table fail "run omnigraph repair".
import { FP } from "../failpoints/catalog.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { company, openIn, person, setupGraph, worksAt } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

const SEED = [[person("Alice"), person("Bob"), company("Acme")], [worksAt("Alice", "Acme")]];
const DELETE_ALICE = [{ kind: "deleteNode", type: "Person", where: [{ column: "id", equals: "Alice" }] }] as const;

/** Failpoints on the delete's path where a crash may land in the searched form. */
const CRASH_POINTS = [FP.MUTATION_DELETE_NODE_PRE_PRIMARY_DELETE, FP.RECOVERY_SIDECAR_WRITE, FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER];

export const inlineDeleteCrash: Scenario = {
  name: "inline-delete-crash",
  bug: "B8",
  summary: "a crash after an inline delete and before its sidecar leaves uncovered drift",
  redProfile: "seed",
  symptoms: ["drift-after-recovery", "wedged-write"],
  actors: ["deleter"],
  oracles: ["liveness (drift-after-recovery, wedged-write)"],
  crashBudget: 1,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const d = await openIn(ctx, "deleter", { crashable: true });
    world.failpoints.set(FP.RECOVERY_SIDECAR_WRITE, { kind: "crash" });
    await world.join(d.spawn("delete", (c) => c.mutate("delete Alice (cascades to WorksAt)", [...DELETE_ALICE])));
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const d = await openIn(ctx, "deleter", { crashable: true });
    if (world.chance("a crash is armed on the delete's path")) {
      world.failpoints.set(CRASH_POINTS[world.choose("which failpoint crashes", CRASH_POINTS.length)]!, { kind: "crash" });
    }
    await world.join(d.spawn("delete", (c) => c.mutate("delete Alice", [...DELETE_ALICE])));
  },
};
