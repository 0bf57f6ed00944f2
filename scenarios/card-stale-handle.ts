// B2 (#298): handle B opened before A's edge and never read since; its @card scan at the
// pinned base counts no edge for Alice, and its commit rebases onto A's: two WorksAt edges
// for one source under @card(0..1). Red when the scan reads the pin (`regress298`).
// Mirrors upstream `cardinality_rejected_for_stale_handle_after_concurrent_edge_commit`.
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { company, openIn, person, setupGraph, worksAt } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

export const cardStaleHandle: Scenario = {
  name: "card-stale-handle",
  bug: "B2",
  summary: "a stale handle's @card scan reads its pinned base and admits a second edge (#298)",
  redProfile: "regress-298",
  symptoms: ["card-violated"],
  actors: ["handle-a", "handle-b"],
  oracles: ["card-and-integrity"],
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    await setupGraph(ctx, CARD_SCHEMA, [[person("Alice"), company("Acme"), company("Beta")]]);
    const b = await openIn(ctx, "handle-b");
    const a = await openIn(ctx, "handle-a");
    await a.mutate("Alice works at Acme", [worksAt("Alice", "Acme")]);
    await b.mutate("Alice works at Beta (stale handle)", [worksAt("Alice", "Beta")]);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Alice"), company("Acme"), company("Beta")]]);
    const b = await openIn(ctx, "handle-b", { crashable: true });
    const a = await openIn(ctx, "handle-a", { crashable: true });
    // Staleness, not interleaving, is this bug: the seed picks which handle writes first.
    const first = world.chance("the stale handle writes first") ? [b, "Beta"] as const : [a, "Acme"] as const;
    const second = first[0] === a ? ([b, "Beta"] as const) : ([a, "Acme"] as const);
    for (const [client, to] of [first, second]) {
      await world.join(client.spawn(client.name, (c) => c.mutate(`Alice works at ${to}`, [worksAt("Alice", to)])));
    }
  },
};
