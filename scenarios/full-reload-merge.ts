// #282: a branch reloaded in full (an Overwrite load) with the rows its fork point already held
// cannot be merged back: the reload advanced the table's Lance version, so the merge plans the
// table; its rows equal the target's, so the plan re-registers the target's own row, which the
// publisher refuses ("Concurrent modification: table version 6 already exists" in the report,
// on 0.7.0; the seed is 0.7.1). Upstream reports it fixed as of 0.9.0 without naming the change;
// the model closes it with #517's fix of the same adopt arm (the flag `fix517`, as #473).
import { PERSON_PROBE } from "./kit/probe.ts";
import { openIn, setupGraph } from "./kit/setup.ts";
import { PEOPLE, peopleWithReloadBranch, PERSON_SCHEMA as SCHEMA, RELOAD_BRANCH as BRANCH } from "./kit/reload.ts";
import type { Scenario } from "./types.ts";

export const fullReloadMerge: Scenario = {
  name: "full-reload-merge",
  summary: "a branch reloaded in full with unchanged rows cannot be merged back: \"table version already exists\" (#282)",
  claim: {
    kind: "bug",
    bug: "#282",
    redProfile: "seed",
    symptoms: [{ kind: "unexpected-error", errorKind: "ConcurrentModification", opKind: "branchMerge" }],
    closedBy: ["fix517"],
  },
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    await setupGraph(ctx, SCHEMA);
    const g = await openIn(ctx, "app");
    await g.load("load the people", { mode: "Merge", nodes: { Person: PEOPLE } });
    await g.branchCreate(BRANCH, "main");
    await g.loadOn(BRANCH, "reload every person", { mode: "Overwrite", nodes: { Person: PEOPLE } });
    await g.branchMerge(BRANCH, "main");
  },
  async searched(ctx) {
    // The seed decides whether the reload changes anything (a person's age, or one more person)
    // and whether main takes a write first, while another process merges when the seed lets it.
    const { world } = ctx;
    const { loader, merger } = await peopleWithReloadBranch(ctx);
    const reload = PEOPLE.map((p) => ({ ...p }));
    const change = world.choose("what the reload changes", 3);
    if (change === 1) reload[0] = { name: "Alice", age: 31 };
    if (change === 2) reload.push({ name: "Carol", age: 50 });
    const loading = loader.spawn("loader", async (c) => {
      await c.loadOn(BRANCH, "reload every person", { mode: "Overwrite", nodes: { Person: reload } });
      if (world.chance("main takes a write")) await c.load("load Dan", { mode: "Merge", nodes: { Person: [{ name: "Dan", age: 20 }] } });
    });
    await world.stagger("the merger starts after the loader's k-th step", loading, 300);
    await world.join(loading, merger.spawn("merger", (c) => c.branchMerge(BRANCH, "main")));
    await merger.branchMerge(BRANCH, "main");
  },
};
