// F2 (found by omnisim): schema apply takes its lock (the `__schema_apply_lock__` branch of
// `__manifest`) and dies before it releases it. Nothing else ever removes the lock, so every later
// write fails "schema apply is in progress", forever.
import { FP } from "../failpoints/catalog.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

const WITH_EMAIL = CARD_SCHEMA.replace("age: I32? }", "age: I32?  email: String? }");

export const schemaLockWedge: Scenario = {
  name: "schema-lock-wedge",
  summary: "a schema apply that dies holding its lock branch wedges every later write",
  claim: {
    kind: "bug",
    bug: "F2",
    redProfile: "seed",
    symptoms: [{ kind: "wedged-write", errorKind: "SchemaApplyLocked" }],
    closedBy: ["ownerLease"],
  },
  crashBudget: 1,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Alice", 30)]]);
    const a = await openIn(ctx, "applier", { crashable: true });
    world.failpoints.set(FP.SCHEMA_APPLY_BEFORE_STAGING_WRITE, { kind: "crash" });
    await world.join(a.spawn("apply", (c) => c.applySchema("add Person.email", WITH_EMAIL)));
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Alice", 30)]]);
    const a = await openIn(ctx, "applier", { crashable: true });
    const w = await openIn(ctx, "writer", { crashable: true });
    const apply = a.spawn("apply", (c) => c.applySchema("add Person.email", WITH_EMAIL));
    await world.stagger("the writer starts after the apply's k-th step", apply, 60);
    await world.join(apply, w.spawn("writer", (c) => c.mutate("insert Bob", [person("Bob", 40)])));
  },
};
