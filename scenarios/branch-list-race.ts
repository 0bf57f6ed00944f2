// #514 (`dbcfca35`): Lance's `list_branches` is one LIST of `_refs/branches/` and then a read
// of each listed ref. A branch deleted between the two leaves a listed ref that is NotFound,
// and at the seed that fails the listing and whatever operation listed (a branch create lists
// `__manifest`'s branches in its schema-apply lock check, as every write does). Upstream's fix lists again, up to
// three attempts (`list_branch_contents`): the flag `fix514`. The model makes the LIST and each
// ref read separate storage calls (engine/manifest/branch-list.ts), so the search can put
// another process's branch delete between them. No failpoint sits there (upstream's own test
// deletes the ref from a wrapping object store), so the scripted form waits for the creator's
// LIST step itself and deletes the branch before the creator's next step (the director runs
// ahead of every other actor).
import type { Client } from "./kit/client.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

const SCHEMA = `
node Person { name: String @key  age: I32? }
`;

/** Branches made in setup; the deleter removes up to two, so three listing attempts suffice. */
const BRANCHES = ["b0", "b1", "b2"] as const;

export const branchListRace: Scenario = {
  name: "branch-list-race",
  summary: "a branch create lists the graph's branches while another process deletes one (#514)",
  claim: {
    kind: "bug",
    bug: "#514",
    redProfile: "seed",
    // The listing's NotFound reaches the creator as a storage failure, though nothing is wrong.
    symptoms: [{ kind: "spurious-storage-failure", errorKind: "StorageFailure", opKind: "branchCreate", actor: "creator" }],
    closedBy: ["fix514"],
  },
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, SCHEMA, [[person("a")]]);
    const admin = await openIn(ctx, "admin");
    for (const b of BRANCHES) await admin.branchCreate(b, "main");
    const creator = await openIn(ctx, "creator");
    const c = creator.spawn("creator", (g: Client) => g.branchCreate("c0", "main"));
    await world.until("the creator listed __manifest's branch refs", () => c.lastStep.startsWith("manifest.listBranches") || c.ended);
    await admin.branchDelete("b0");
    await world.join(c);
  },
  async searched(ctx) {
    // The seed decides how many branches go and come, and when the deleter starts against the
    // creator. No data write runs, so no sidecar is there for either one's heal to race on.
    const { world } = ctx;
    await setupGraph(ctx, SCHEMA, [[person("a")]]);
    const admin = await openIn(ctx, "admin");
    for (const b of BRANCHES) await admin.branchCreate(b, "main");
    const deleter = await openIn(ctx, "deleter");
    const creator = await openIn(ctx, "creator");
    const deletes = 1 + world.choose("how many branches to delete", 2);
    const creates = 1 + world.choose("how many branches to create", 2);
    const w = creator.spawn("creator", async (c: Client) => {
      for (let i = 0; i < creates; i++) await c.branchCreate(`c${i}`, "main");
    });
    await world.stagger("the deleter starts after the creator's k-th step", w, 60);
    const d = deleter.spawn("deleter", async (c: Client) => {
      for (let i = 0; i < deletes; i++) await c.branchDelete(BRANCHES[world.choose(`delete ${i}`, BRANCHES.length)]!);
    });
    await world.join(w, d);
  },
};
