// F6 (found by omnisim; upstream fixed it with RFC-022's exact commits, #343): a writer validates
// its read set with Lance HEAD equal to the pin, then commits. Another writer's commit that lands
// in between (its own publish still to come, perhaps never) is absorbed: Lance rebases the
// first writer's commit onto it, and at the seed the first writer publishes the result. Here a
// node delete of Alice (cascading to her WorksAt edge) and an insert of Carol race: the insert's
// publish makes the delete of Alice visible without the edge delete, a published snapshot holds
// an edge whose source is gone, and when the delete then fails its publish, part of a failed
// operation stays visible. Upstream at the seed: `commit_all` commits with `commit_staged` and
// publishes whatever version it got; at `62a9c3fe` a commit that is not exact is refused
// ("committed a rebased Lance transaction"), and the write fails `RecoveryRequired`.
import type { MutationOp } from "../engine/write/ops.ts";
import { FP } from "../failpoints/catalog.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { company, openIn, person, setupGraph, worksAt } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

const knows = (from: string, to: string): MutationOp => ({ kind: "insertEdge", type: "Knows", from, to });
// Every victim works somewhere and Alice knows Bob: each delete cascades into WorksAt, Alice's
// into both edge tables (the first delete's cascade deletes rows in both: no #308 drift).
const VICTIMS = ["Alice", "Bob", "Dan", "Erin"];
const SEED = [[...VICTIMS.map((p) => person(p)), company("Acme")], [...VICTIMS.map((p) => worksAt(p, "Acme")), knows("Alice", "Bob")]];
const DELETE_ALICE = [{ kind: "deleteNode", type: "Person", where: [{ column: "id", equals: "Alice" }] }] as const;

export const rebasedCommitPublished: Scenario = {
  name: "rebased-commit-published",
  claim: {
    kind: "bug",
    bug: "F6",
    redProfile: "seed",
    // The delete's commit is published although the delete failed: its node is gone while the
    // insert's edge to it is published, and the acknowledged setup row it deleted is lost.
    symptoms: [{ kind: "dangling-edge" }, { kind: "acked-write-lost", table: "node:Person" }],
    closedBy: ["exactCommit"],
    masks: [{ flags: ["ownerLease"], why: "every committer holds the branch lease from its validation to its publish, so no other commit lands between an insert's validation and its commit" }],
  },
  summary: "an insert's commit rebases over a concurrent delete's unpublished commit and publishes it: a dangling edge",
  crashBudget: 1,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const d = await openIn(ctx, "deleter");
    const w = await openIn(ctx, "writer");
    // The insert validates (HEAD equal to the pin) and stops before its sidecar and commit.
    world.failpoints.set(FP.RECOVERY_SIDECAR_WRITE, { kind: "park" });
    world.failpoints.set(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, { kind: "park" });
    const insert = w.spawn("insert", (c) => c.mutate("insert Carol", [person("Carol")]));
    await world.until("the insert validated", () => world.failpoints.reached(FP.RECOVERY_SIDECAR_WRITE));
    // The delete commits (inline at the seed, staged otherwise) and stops before its publish
    // (under a lease it waits for the insert's instead).
    const del = d.spawn("delete", (c) => c.mutate("delete Alice (cascades to WorksAt)", [...DELETE_ALICE]));
    await world.until("the delete committed, or waits", () => world.failpoints.reached(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER) || world.isBlocked(del));
    if (!world.failpoints.reached(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER)) world.failpoints.set(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, { kind: "off" });
    world.failpoints.release(FP.RECOVERY_SIDECAR_WRITE);
    await world.join(insert);
    world.failpoints.release(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER);
    await world.join(del);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    // Only the delete may crash or take a fault (its publish may then never come). The inserts
    // never die, so no recovery finds another writer's commit where a dead insert's sidecar
    // expected its own: adopting that foreign commit by its version number is this bug's
    // recovery twin. `exactCommit` closes it only as far as the model's stand-in for Lance's
    // transaction uuid (read version and op) tells commits apart, and two inserts' commits look
    // alike (docs/fidelity.md); test/engine/flags-found.test.ts checks the twin directly.
    const d = await openIn(ctx, "deleter", { crashable: true });
    // A write's window between its validation and its commit is a few steps: several deletes
    // (each victim's edges cascade) against two writers' inserts.
    const deletes = 1 + world.choose("further deletes", 3);
    const del = d.spawn("delete", async (c) => {
      for (const who of VICTIMS.slice(0, deletes)) await c.mutate(`delete ${who}`, [{ kind: "deleteNode", type: "Person", where: [{ column: "id", equals: who }] }]);
    });
    const writers = [];
    for (const name of ["writer-1", "writer-2"]) {
      const w = await openIn(ctx, name);
      const inserts = 2 + world.choose(`${name}: further inserts`, 4);
      writers.push(w.spawn("insert", async (c) => {
        for (let i = 0; i < inserts; i++) await c.mutate(`insert ${name}-${i}`, [person(`${name}-${i}`)]);
      }));
    }
    await world.join(del, ...writers);
  },
};
