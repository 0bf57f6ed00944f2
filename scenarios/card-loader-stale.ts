// B2'': the loader twin of #298. The loader's @card check reads the handle's warm snapshot, so
// a stale handle's load admits a second WorksAt edge for Alice after another handle's.
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { company, openIn, person, setupGraph, worksAt } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

const SEED = [[person("Alice"), company("Acme"), company("Beta")]];
const LOAD = { mode: "Append", edges: { WorksAt: [{ from: "Alice", to: "Beta" }] } } as const;

export const cardLoaderStale: Scenario = {
  name: "card-loader-stale",
  bug: "B2''",
  summary: "a stale handle's load checks @card against its warm snapshot and admits a second edge",
  redProfile: "seed",
  symptoms: ["card-violated"],
  actors: ["handle-a", "loader-b"],
  oracles: ["card-and-integrity"],
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const b = await openIn(ctx, "loader-b");
    const a = await openIn(ctx, "handle-a");
    await a.mutate("Alice works at Acme", [worksAt("Alice", "Acme")]);
    await b.load("load Alice works at Beta (stale handle)", LOAD);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const b = await openIn(ctx, "loader-b", { crashable: true });
    const a = await openIn(ctx, "handle-a", { crashable: true });
    // Staleness, not interleaving, is this bug: the seed picks which handle writes first.
    const writeA = () => world.join(a.spawn("a", (c) => c.mutate("Alice works at Acme", [worksAt("Alice", "Acme")])));
    const loadB = () => world.join(b.spawn("b", (c) => c.load("load Alice works at Beta", LOAD)));
    if (world.chance("the stale handle loads first")) {
      await loadB();
      await writeA();
    } else {
      await writeA();
      await loadB();
    }
  },
};
