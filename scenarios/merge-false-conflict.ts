// #639: two branches that both merged a third one, then made disjoint edits, cannot be merged
// into each other: each merge records the third branch's head as its merged parent, but that
// commit's record lives only in the third branch's commit graph, so the merge base search (over
// the two merging branches' commit graphs, `CommitGraph::merge_base` at the seed) drops it and
// takes the older fork point; against that base the third branch's change reads as an edit on
// both sides, and a later edit of the same row on one side as a divergent update. Upstream's fix
// (#682, after `62a9c3fe`) reads the other live branches' lineage until the merged parents
// resolve: the flag `fix682`.
import type { MutationOp } from "../engine/write/ops.ts";
import type { Client } from "./kit/client.ts";
import { openIn, setupGraph } from "./kit/setup.ts";
import type { LivenessProbe } from "../sim/oracles/liveness.ts";
import type { Scenario } from "./types.ts";

const SCHEMA = `
node Item { slug: String @key  value: I32 }
`;

const item = (slug: string, value: number): MutationOp => ({ kind: "insertNode", type: "Item", props: { slug, value } });
const setValue = (slug: string, value: number): MutationOp => ({ kind: "updateNode", type: "Item", where: [{ column: "id", equals: slug }], set: { value } });

const PROBE: LivenessProbe = {
  op: item("probe-after-recovery", 0),
  row: { table: "node:Item", column: "id", value: "probe-after-recovery" },
  schema: SCHEMA,
};

/** The merge of `s` into `t`: their edits since both merged `x` are disjoint, so it must go through. */
function finalMerge(c: Client): Promise<unknown> {
  return c.branchMerge("s", "t", { mustSucceed: { violation: "false-merge-conflict", why: "s and t changed disjoint rows since the merge of x they share" } });
}

async function threeBranches(c: Client): Promise<void> {
  for (const b of ["x", "s", "t"]) await c.branchCreate(b, "main");
  await c.mutateOn("x", "set x = 1", [setValue("x", 1)]);
}

export const mergeFalseConflict: Scenario = {
  name: "merge-false-conflict",
  summary: "two branches that both merged a third report a false conflict on disjoint edits (#639)",
  claim: {
    kind: "bug",
    bug: "#639",
    redProfile: "seed",
    symptoms: [{ kind: "false-merge-conflict", errorKind: "MergeConflicts", opKind: "branchMerge" }],
    // A merge of x that fails after its publish (a fault the swarm knob lets strike the
    // branches' owners) leaves x's row on s without its merged parent at the seed: the same
    // false conflict by another road, closed by #299's lineage in the publish.
    closedBy: ["fix682", "mergeLineageInPublish"],
  },
  crashBudget: 0,
  probe: PROBE,
  async scripted(ctx) {
    await setupGraph(ctx, SCHEMA, [[item("a", 0), item("x", 0)]]);
    const g = await openIn(ctx, "app");
    await threeBranches(g);
    await g.branchMerge("x", "s");
    await g.branchMerge("x", "t");
    await g.mutateOn("s", "set a = 1", [setValue("a", 1)]);
    await g.mutateOn("t", "set x = 2", [setValue("x", 2)]);
    await finalMerge(g);
  },
  async searched(ctx) {
    // Two processes, one per branch: each may merge x (the seed decides), then edits its own
    // rows; t edits x's row only once it has merged x, so every conflict the final merge finds
    // is false. Which merges happen, the edits and the interleaving are the seed's.
    const { world } = ctx;
    await setupGraph(ctx, SCHEMA, [[item("a", 0), item("b", 0), item("x", 0)]]);
    const sp = await openIn(ctx, "s-owner");
    const tp = await openIn(ctx, "t-owner");
    await threeBranches(sp);
    const edits = (who: string) => 1 + world.choose(`${who} edits`, 3);
    const [sEdits, tEdits] = [edits("s"), edits("t")];
    await world.join(
      sp.spawn("s-owner", async (c) => {
        if (world.chance("s merges x")) await c.branchMerge("x", "s");
        for (let i = 0; i < sEdits; i++) await c.mutateOn("s", `set a = ${10 + i}`, [setValue("a", 10 + i)]);
      }),
      tp.spawn("t-owner", async (c) => {
        const merged = world.chance("t merges x") && (await c.branchMerge("x", "t")) !== undefined;
        for (let i = 0; i < tEdits; i++) {
          const row = merged && world.chance(`t edit ${i} is x`) ? "x" : "b";
          await c.mutateOn("t", `set ${row} = ${20 + i}`, [setValue(row, 20 + i)]);
        }
      }),
    );
    await finalMerge(tp);
  },
};
