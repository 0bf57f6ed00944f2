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

export const inlineDeleteCrash: Scenario = {
  name: "inline-delete-crash",
  claim: {
    kind: "bug",
    bug: "B8",
    redProfile: "seed",
    // Drift no sidecar covers survives the restart: its recovery cannot see it, and the probe is refused.
    symptoms: [{ kind: "drift-after-recovery" }, { kind: "wedged-write", errorKind: "DriftAhead", actor: "director" }],
    closedBy: ["stagedDeletes"],
  },
  summary: "a crash after an inline delete and before its sidecar leaves uncovered drift",
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
    const w = await openIn(ctx, "writer", { crashable: true });
    // One or two deletes (Alice cascades to her WorksAt edge, Bob to nothing) while another
    // handle inserts: the crash points, the faults and the interleaving come from the seed.
    const victims = world.chance("two deletes") ? ["Alice", "Bob"] : [world.chance("delete Bob rather than Alice") ? "Bob" : "Alice"];
    const deleter = d.spawn("delete", async (c) => {
      for (const who of victims) await c.mutate(`delete ${who}`, [{ kind: "deleteNode", type: "Person", where: [{ column: "id", equals: who }] }]);
    });
    const writer = w.spawn("insert", (c) => c.mutate("insert Carol", [person("Carol")]));
    await world.join(deleter, writer);
  },
};
