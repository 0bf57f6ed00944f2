// B2'': the loader twin of #298. The loader's @card check reads the handle's warm snapshot, so
// a handle that has not looked since another gave Alice a WorksAt edge loads a second one.
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { company, openIn, person, setupGraph, worksAt } from "./kit/setup.ts";
import { staleEdgeRounds } from "./card-stale-handle.ts";
import type { Scenario } from "./types.ts";

const LOAD = { mode: "Append", edges: { WorksAt: [{ from: "Alice", to: "Beta" }] } } as const;

export const cardLoaderStale: Scenario = {
  name: "card-loader-stale",
  summary: "a stale handle's load checks @card against its warm snapshot and admits a second edge",
  claim: {
    kind: "bug",
    bug: "B2''",
    redProfile: "seed",
    symptoms: [{ kind: "card-violated", table: "edge:WorksAt" }],
    closedBy: ["readSetToken", "probeOnWrite"],
  },
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    await setupGraph(ctx, CARD_SCHEMA, [[person("Alice"), company("Acme"), company("Beta")]]);
    const b = await openIn(ctx, "loader-b");
    const a = await openIn(ctx, "handle-a");
    await a.mutate("Alice works at Acme", [worksAt("Alice", "Acme")]);
    await b.load("load Alice works at Beta (stale handle)", LOAD);
  },
  searched: (ctx) => staleEdgeRounds(ctx, "load"),
};
