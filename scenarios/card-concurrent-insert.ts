// B2': the validate -> commit gap. Two inserts of a WorksAt edge for Alice, on one handle, both
// scan before either commits; both pass @card(0..1), both publish (RFC-013 s7.1, open at the
// seed). The fix revalidates the read set under a shared head row before the effect.
import { FP } from "../failpoints/catalog.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { company, openIn, person, setupGraph, worksAt } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

const SEED = [[person("Alice"), company("Acme"), company("Beta")]];

export const cardConcurrentInsert: Scenario = {
  name: "card-concurrent-insert",
  claim: {
    kind: "bug",
    bug: "B2'",
    redProfile: "seed",
    symptoms: [{ kind: "card-violated", table: "edge:WorksAt" }],
    closedBy: ["readSetToken"],
  },
  summary: "two concurrent edge inserts both pass @card before either commits",
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const server = await openIn(ctx, "server");
    world.failpoints.set(FP.MUTATION_POST_STAGE_PRE_EFFECT_GATE, { kind: "park" });
    const first = server.spawn("insert-acme", (c) => c.mutate("Alice works at Acme", [worksAt("Alice", "Acme")]));
    await world.until("the first insert validated and parked", () => world.failpoints.reached(FP.MUTATION_POST_STAGE_PRE_EFFECT_GATE));
    const second = server.spawn("insert-beta", (c) => c.mutate("Alice works at Beta", [worksAt("Alice", "Beta")]));
    await world.until("the second insert finished or waits", () => world.isBlocked(second));
    world.failpoints.release(FP.MUTATION_POST_STAGE_PRE_EFFECT_GATE);
    await world.join(first, second);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const server = await openIn(ctx, "server", { crashable: true });
    await world.join(
      server.spawn("insert-acme", (c) => c.mutate("Alice works at Acme", [worksAt("Alice", "Acme")])),
      server.spawn("insert-beta", (c) => c.mutate("Alice works at Beta", [worksAt("Alice", "Beta")])),
    );
  },
};
