// #683: at the seed a table's fork onto graph branch `b` is the Lance branch `b` of its dataset,
// and a first write that finds a ref of that name in its way reclaims it once the branch's own
// manifest no longer places the table there (`classify_fork_ref`). After a fast-forward into
// main and one back, b0's entry is main's again, so b0's next write reclaims b0's old fork,
// although b1 (branched from b0 after its first write) still reads the table there: b1 can no
// longer be read as it was ("historical published dataset version 3 was reclaimed" upstream, at
// 0.10.0; at the seed the ref made again holds main's history, so the child reads main's rows
// at the fork's old version numbers, without the writes it was created with). Upstream's
// fix (#695, after `62a9c3fe`) names each fork uniquely and leaves reclamation to `cleanup`,
// which keeps every fork a live branch still reads: the flag `fix695`.
import type { MutationOp } from "../engine/write/ops.ts";
import type { Client } from "./kit/client.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

const SCHEMA = `
node Person { name: String @key  age: I32? }
`;

const insert = (name: string): MutationOp => person(name);

/**
 * b0 forked by a first write, then b1 branched from it: the start of every form. Main moves
 * first, so main's version numbers and the fork's part ways (a ref made again at main's head
 * then reads main's rows at the fork's old numbers).
 */
async function parentAndChild(g: Client): Promise<void> {
  await g.branchCreate("b0", "main");
  await g.mutate("insert m0", [insert("m0")]);
  await g.mutateOn("b0", "insert n1", [insert("n1")]);
  await g.branchCreate("b1", "b0");
}

export const childBranchUnreadable: Scenario = {
  name: "child-branch-unreadable",
  summary: "a branch's write after a fast-forward round trip reclaims the fork its child reads (#683)",
  claim: {
    kind: "bug",
    bug: "#683",
    redProfile: "seed",
    // The child's newest manifest pins the table on the reclaimed fork, whose name now holds
    // main's history: the child (and the parent's own old snapshots) read main's rows at the
    // fork's old version numbers, without its writes (upstream, later, refuses the read).
    symptoms: [
      { kind: "inherited-write-lost", table: "node:Person" },
      { kind: "acked-write-lost", table: "node:Person" },
      { kind: "branch-unreadable", table: "node:Person" },
    ],
    closedBy: ["fix695"],
  },
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    await setupGraph(ctx, SCHEMA, [[person("a")]]);
    const g = await openIn(ctx, "app");
    await parentAndChild(g);
    await g.branchMerge("b0", "main");
    await g.mutate("insert n0", [insert("n0")]);
    await g.branchMerge("main", "b0");
    await g.mutateOn("b0", "insert n2", [insert("n2")]);
    await g.readOn("b1", "Person");
  },
  async searched(ctx) {
    // The seed decides the owner's round of writes and merges between b0 and main (any order,
    // any length), while a reader in another process reads the child.
    const { world } = ctx;
    await setupGraph(ctx, SCHEMA, [[person("a")]]);
    const owner = await openIn(ctx, "owner");
    const reader = await openIn(ctx, "reader");
    await parentAndChild(owner);
    const operations = 2 + world.choose("how many operations", 6);
    const reads = 1 + world.choose("how many reads", 2);
    await world.join(
      owner.spawn("owner", async (c) => {
        for (let i = 0; i < operations; i++) {
          switch (world.choose(`op ${i} kind`, 4)) {
            case 0:
              await c.mutateOn("b0", `insert b0-${i}`, [insert(`b0-${i}`)]);
              break;
            case 1:
              await c.branchMerge("b0", "main");
              break;
            case 2:
              await c.mutate(`insert main-${i}`, [insert(`main-${i}`)]);
              break;
            case 3:
              await c.branchMerge("main", "b0");
              break;
          }
        }
      }),
      reader.spawn("reader", async (c) => {
        for (let i = 0; i < reads; i++) await c.readOn("b1", "Person");
      }),
    );
  },
};
