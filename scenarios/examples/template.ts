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
  summary: "two servers insert a WorksAt edge for Alice at once; both pass @card(0..1)",
  // What it claims (scenarios/claims.ts), checked part by part by the claims suite and by hunt:
  // the bug; the profile on which it must be red; the symptoms that are this bug (a violation
  // kind, narrowed by the error kind, the operation and actor role, the table: see
  // `npx omnisim oracles`), anything else found being another bug; the fix flags that close it
  // (red profile plus these is green, `fixed` without them is red); and any flags that hide it
  // without fixing it, with why. A scenario of your own can name an existing bug of the catalog.
  claim: {
    kind: "bug",
    bug: "B2'",
    redProfile: "seed",
    symptoms: [{ kind: "card-violated", table: "edge:WorksAt" }],
    closedBy: ["readSetToken"],
  },
  // Crashes the search may choose (the crash plan cuts a crashable process before a durable write).
  crashBudget: 1,
  // The write a fresh process must manage after recovery (the liveness oracle).
  probe: PERSON_PROBE,
  // No script, and no failpoint armed: the seed decides the interleaving, the crashes and the
  // faults (the fault plan strikes crashable processes at failpoints).
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
