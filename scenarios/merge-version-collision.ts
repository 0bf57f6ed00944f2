// F10, found by omnisim: a table's versions on a Lance branch continue its parent's numbering,
// so a branch's fork and main can each hold a version N of one table, with different rows. A
// fast-forward into a graph branch registers the adopted state at the source's version (a
// pointer switch onto main's version, or a fork of the source's state, whose HEAD is the
// source's version): when the target's manifest already holds that version of the table from
// its own fork, the publisher refuses the row ("table version N already exists"), and every
// retry plans the same. The seed (`exec/merge.rs`, `publish_adopted_source_state`) and
// `62a9c3fe` (`plan_adopted_source_state`, and the publisher's registry guard in
// `db/manifest/publisher.rs`, which admits only an owner-branch handoff or the stored row
// itself) both have it. The flag `adoptAboveTarget` applies such an adoption as a row delta on
// the target's own lineage instead, so it lands above every version the target holds.
import { PERSON_PROBE } from "./kit/probe.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Client } from "./kit/client.ts";
import type { Scenario } from "./types.ts";

const SCHEMA = `
node Person { name: String @key  age: I32? }
`;

/** b0 branched from main, then main and b0 each write Person once (b0's write forks it). */
async function diverged(g: Client): Promise<void> {
  await g.branchCreate("b0", "main");
  await g.mutate("insert m0", [person("m0")]);
  await g.mutateOn("b0", "insert n1", [person("n1")]);
}

export const mergeVersionCollision: Scenario = {
  name: "merge-version-collision",
  summary: "a fast-forward into a branch re-registers a version its own fork already holds (F10)",
  claim: {
    kind: "bug",
    bug: "F10",
    redProfile: "seed",
    // A merge whose sidecar another process's heal rolled forward meanwhile (B6) meets the same
    // error; that universe shows the sidecar deleted under its live writer.
    symptoms: [{ kind: "unexpected-error", errorKind: "ConcurrentModification", opKind: "branchMerge", table: "node:Person", unless: ["live-sidecar-deleted"] }],
    closedBy: ["adoptAboveTarget"],
  },
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    await setupGraph(ctx, SCHEMA, [[person("a")]]);
    const g = await openIn(ctx, "app");
    await diverged(g);
    // b0's fork reaches version 4; the three-way merge into main commits main's version 4.
    await g.mutateOn("b0", "insert n2", [person("n2")]);
    await g.branchMerge("b0", "main");
    // b0 is unchanged since that merge: a fast-forward, a pointer switch onto main's version 4.
    await g.branchMerge("main", "b0");
  },
  async searched(ctx) {
    // The seed decides how far b0's fork and main each move, in which order, then the round
    // trip: b0 into main, maybe more writes on main, main into b0. No write on b0 follows a merge
    // into it: that is #683's world (a write reclaiming the fork a fast-forward left behind),
    // with its own scenario. One handle does it all: the bug needs no race, only version numbers
    // that meet (a second writer on main adds the seed's races of live sidecars, B6's class).
    const { world } = ctx;
    await setupGraph(ctx, SCHEMA, [[person("a")]]);
    const owner = await openIn(ctx, "owner");
    await diverged(owner);
    const writes = 1 + world.choose("how many writes", 5);
    await world.join(
      owner.spawn("owner", async (c) => {
        for (let i = 0; i < writes; i++) {
          if (world.chance(`write ${i} on b0`)) await c.mutateOn("b0", `insert b0-${i}`, [person(`b0-${i}`)]);
          else await c.mutate(`insert main-${i}`, [person(`main-${i}`)]);
        }
        await c.branchMerge("b0", "main");
        const after = world.choose("writes on main between the merges", 2);
        for (let i = 0; i < after; i++) await c.mutate(`insert after-${i}`, [person(`after-${i}`)]);
        await c.branchMerge("main", "b0");
      }),
    );
  },
};
