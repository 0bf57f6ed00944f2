// #473: a branch whose edits net back to its fork point (an insert, then its delete) cannot be
// merged into a target that has not moved: the table's manifest state differs (its Lance
// version advanced), so the merge plans it; its rows equal the target's, so the plan is a
// pointer switch built from the target's own registration, a row the manifest already holds,
// which the publisher refuses ("table version N already exists"). A retry plans the same and
// fails the same: the branch is never mergeable. Fixed upstream by #517 (`28565687`), which
// drops such a table from the merge: the flag `fix517`.
import type { MutationOp } from "../engine/write/ops.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { company, openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

const SCHEMA = `
node Person { name: String @key  age: I32? }
node Company { name: String @key }
`;

const FEATURE = "feature";
const remove = (name: string): MutationOp => ({ kind: "deleteNode", type: "Person", where: [{ column: "id", equals: name }] });

export const netZeroMerge: Scenario = {
  name: "net-zero-merge",
  summary: "a branch whose edits net to zero can never be merged: \"table version already exists\" (#473)",
  claim: {
    kind: "bug",
    bug: "#473",
    redProfile: "seed",
    // A merge whose BranchMerge sidecar another process's heal rolled forward while the merge
    // ran (B6: recovery acting on a live writer's sidecar, open on upstream, closed here by
    // `ownerLease`) publishes the registration recovery already published: the same error, and
    // that universe shows the sidecar's deletion under its live writer (live-sidecar-deleted).
    symptoms: [{ kind: "unexpected-error", errorKind: "ConcurrentModification", opKind: "branchMerge", unless: ["live-sidecar-deleted"] }],
    closedBy: ["fix517"],
  },
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    await setupGraph(ctx, SCHEMA, [[person("Alice")]]);
    const g = await openIn(ctx, "app");
    await g.branchCreate(FEATURE, "main");
    await g.mutateOn(FEATURE, "insert Eve", [person("Eve")]);
    await g.mutateOn(FEATURE, "delete Eve", [remove("Eve")]);
    await g.branchMerge(FEATURE, "main");
    // The retry plans the same publish and fails the same way.
    await g.branchMerge(FEATURE, "main");
  },
  async searched(ctx) {
    // The seed decides the branch's edits (inserts, and deletes of what it inserted) and whether
    // main moves meanwhile (on another table, or on the same one), while a second process
    // merges the branch whenever the seed lets it.
    const { world } = ctx;
    await setupGraph(ctx, SCHEMA, [[person("Alice"), company("Acme")]]);
    const editor = await openIn(ctx, "editor");
    const merger = await openIn(ctx, "merger");
    await editor.branchCreate(FEATURE, "main");
    const edits = 1 + world.choose("how many edits", 4);
    const mainWrite = world.choose("main writes", 3);
    const editing = editor.spawn("editor", async (c) => {
      const inserted: string[] = [];
      for (let i = 0; i < edits; i++) {
        if (inserted.length > 0 && world.chance(`edit ${i} deletes`)) {
          const [who] = inserted.splice(world.choose(`edit ${i} victim`, inserted.length), 1);
          await c.mutateOn(FEATURE, `delete ${who}`, [remove(who!)]);
        } else {
          inserted.push(`e${i}`);
          await c.mutateOn(FEATURE, `insert e${i}`, [person(`e${i}`)]);
        }
      }
      if (mainWrite === 1) await c.mutate("insert Beta", [company("Beta")]);
      if (mainWrite === 2) await c.mutate("insert Bob", [person("Bob")]);
    });
    await world.stagger("the merger starts after the editor's k-th step", editing, 400);
    await world.join(editing, merger.spawn("merger", (c) => c.branchMerge(FEATURE, "main")));
    await merger.branchMerge(FEATURE, "main");
  },
};
