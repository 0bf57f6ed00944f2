// B10: a schema apply is live between writing its staging files and its publish; another
// handle opens; the open's schema recovery sees a SchemaApply sidecar and promotes the staging
// files, and its sweep rolls the apply's sidecar forward (publishing the apply's delta) and
// deletes it. The apply's own publish then hits "table version N already exists": it fails,
// though the new schema is durable. A write's in-process heal does the same to a live apply of
// another handle, as the seed's queues are per handle.
import { FP } from "../failpoints/catalog.ts";
import { Client } from "./kit/client.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

const WITH_EMAIL = CARD_SCHEMA.replace("age: I32? }", "age: I32?  email: String? }");

export const schemaStagingPromotion: Scenario = {
  name: "schema-staging-promotion",
  claim: {
    kind: "bug",
    bug: "B10",
    redProfile: "seed",
    // The apply fails on its own publish; or a write's heal (which reconciles the staging files
    // under its own handle's queues) races the apply's renames of them, and one rename finds its
    // source gone: a raw NotFound (upstream's `rename_if_present` checks existence, then renames).
    symptoms: [
      { kind: "live-sidecar-deleted", opKind: "open", actor: "opener" },
      { kind: "unexpected-error", opKind: "schemaApply", actor: "apply" },
      { kind: "unexpected-error", errorKind: "StorageError", opKind: "mutate" },
    ],
    closedBy: ["ownerLease"],
  },
  summary: "an open promotes a live schema apply's staging files and rolls its sidecar forward",
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Alice", 30)]]);
    const a = await openIn(ctx, "applier");
    world.failpoints.set(FP.SCHEMA_APPLY_AFTER_STAGING_WRITE, { kind: "park" });
    const apply = a.spawn("apply", (c) => c.applySchema("add Person.email", WITH_EMAIL));
    await world.until("the apply wrote its staging files and parked", () => world.failpoints.reached(FP.SCHEMA_APPLY_AFTER_STAGING_WRITE));
    const proc = world.process("opener");
    await world.join(world.spawn(proc, "opener", () => Client.open(ctx, proc, "opener")));
    world.failpoints.release(FP.SCHEMA_APPLY_AFTER_STAGING_WRITE);
    await world.join(apply);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Alice", 30)]]);
    const a = await openIn(ctx, "applier", { crashable: true });
    const apply = a.spawn("apply", (c) => c.applySchema("add Person.email", WITH_EMAIL));
    await world.stagger("the opener starts after the apply's k-th step", apply, 100);
    const proc = world.process("opener", { crashable: true });
    await world.join(apply, world.spawn(proc, "opener", () => Client.open(ctx, proc, "opener")));
  },
};
