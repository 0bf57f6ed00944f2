// B5 (#361): a follower's heal lists `__recovery/` while a live writer's sidecar is there; the
// writer publishes and deletes it; the follower's GET of the listed sidecar is NotFound, and
// its write fails with a storage error although nothing is wrong.
import { FP } from "../failpoints/catalog.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { company, openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

export const sidecarListGetRace: Scenario = {
  name: "sidecar-list-get-race",
  claim: {
    kind: "bug",
    bug: "B5",
    redProfile: "seed",
    // Any recovery pass (a write's heal, an open's sweep) that lists a sidecar its writer then deletes.
    symptoms: [{ kind: "spurious-storage-failure", errorKind: "StorageFailure" }],
    closedBy: ["fix361"],
    masks: [{ flags: ["ownerLease"], why: "the follower's heal runs under the branch lease, which the writer holds until its sidecar is deleted" }],
  },
  summary: "a heal lists a live writer's sidecar, the writer deletes it, the heal's GET fails (#361)",
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA);
    const w = await openIn(ctx, "writer");
    const f = await openIn(ctx, "follower");
    world.failpoints.set(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, { kind: "park" });
    world.failpoints.set(FP.RECOVERY_POST_SIDECAR_LIST_PRE_READ, { kind: "park" });
    const writer = w.spawn("writer", (c) => c.mutate("insert Alice", [person("Alice")]));
    await world.until("the writer committed and parked before publishing", () => world.failpoints.reached(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER));
    const follower = f.spawn("follower", (c) => c.mutate("insert Acme", [company("Acme")]));
    await world.until("the follower listed the sidecar, or waits", () => world.failpoints.reached(FP.RECOVERY_POST_SIDECAR_LIST_PRE_READ) || world.isBlocked(follower));
    world.failpoints.release(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER);
    await world.join(writer);
    world.failpoints.release(FP.RECOVERY_POST_SIDECAR_LIST_PRE_READ);
    await world.join(follower);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA);
    const w = await openIn(ctx, "writer", { crashable: true });
    const f = await openIn(ctx, "follower", { crashable: true });
    const writer = w.spawn("writer", (c) => c.mutate("insert Alice", [person("Alice")]));
    await world.stagger("the follower starts after the writer's k-th step", writer, 120);
    await world.join(writer, f.spawn("follower", (c) => c.mutate("insert Acme", [company("Acme")])));
  },
};
