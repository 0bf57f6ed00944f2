// A template for a scenario of your own: copy this file, rename it, and run it with
//   npx omnisim run ./scenarios/examples/template.ts
// (replay, shrink and hunt --scenario take the path too). README "Writing a scenario" walks
// through each field. This one is B2' across processes: two servers, each with its own handle,
// insert a WorksAt edge for Alice at the same time; both pass @card(0..1) before either commits.
import { PERSON_PROBE } from "../kit/probe.ts";
import { CARD_SCHEMA } from "../kit/schemas.ts";
import { company, openIn, person, setupGraph, worksAt } from "../kit/setup.ts";
import type { Scenario } from "../types.ts";

/** What the graph holds before the actors start (written by the never-crashed setup process). */
const SEED = [[person("Alice"), company("Acme"), company("Beta")]];

export const twoServersInsertEdges: Scenario = {
  // The name replay lines and reports use.
  name: "two-servers-insert-edges",
  // The bug catalog entry it shows, or "none".
  bug: "B2' (two processes)",
  summary: "two servers insert a WorksAt edge for Alice at once; both pass @card(0..1)",
  // The profile on which it must be red (null: a control that is never red).
  redProfile: "seed",
  // The violation kinds that are this bug's symptom; anything else found is another bug.
  symptoms: ["card-violated"],
  actors: ["server-a", "server-b"],
  oracles: ["card-and-integrity"],
  // Crashes the search may choose (each crashable process can die at any scheduling point).
  crashBudget: 1,
  // The write a fresh process must manage after recovery (the liveness oracle).
  probe: PERSON_PROBE,
  // No script: the seed decides the interleaving and the crashes.
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const a = await openIn(ctx, "server-a", { crashable: true });
    const b = await openIn(ctx, "server-b", { crashable: true });
    await world.join(
      a.spawn("insert-acme", (c) => c.mutate("Alice works at Acme", [worksAt("Alice", "Acme")])),
      b.spawn("insert-beta", (c) => c.mutate("Alice works at Beta", [worksAt("Alice", "Beta")])),
    );
  },
};

export default twoServersInsertEdges;
