// An edge insert races a delete of its endpoint node, in two processes. Alice has no edge, so the
// delete's cascade finds nothing to delete and stages (and queues) only the node table; the
// insert validates Alice (reads the node table) and stages only the edge table. Per-process
// queues exclude nothing across processes, so both pass their revalidation of the graph head
// (neither has published yet), both write a sidecar and commit. The insert publishes first; the
// delete's publish is refused after its commit (the edge table it read moved, and the head). What
// recovery then does with the delete's sidecar decides the outcome: rolled forward, Alice is gone
// and the edge to her is published (a dangling edge); rolled back (upstream's rule for a write
// whose captured graph head is no longer live, `62a9c3fe`), the delete simply failed. At the seed
// there is no head token: recovery rolls the refused delete forward, and in the other order (the
// delete publishes first) nothing revalidates the insert's read of Alice at all. docs/fixes.md,
// "B2' for endpoints", has the triage against upstream's source.
import { FP } from "../failpoints/catalog.ts";
import type { MutationOp } from "../engine/write/ops.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { KNOWS_SCHEMA } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

const knows = (from: string, to: string): MutationOp => ({ kind: "insertEdge", type: "Knows", from, to });
const deletePerson = (who: string): MutationOp => ({ kind: "deleteNode", type: "Person", where: [{ column: "id", equals: who }] });
// Nobody has an edge yet: the delete's cascade stages no edge table.
const SEED = [[person("Alice"), person("Bob")]];

export const edgeInsertVsEndpointDelete: Scenario = {
  name: "edge-insert-vs-endpoint-delete",
  claim: {
    kind: "bug",
    bug: "B2'",
    redProfile: "seed",
    // The node is gone while an edge to it is published.
    symptoms: [{ kind: "dangling-edge" }],
    closedBy: ["readSetToken"],
    masks: [{ flags: ["ownerLease"], why: "every committer holds the branch lease from its revalidation to its publish, so no publish lands between the delete's revalidation and its publish" }],
  },
  summary: "an edge insert and a delete of its endpoint in two processes both commit; the refused delete must not be rolled forward",
  crashBudget: 1,
  probe: { ...PERSON_PROBE, schema: KNOWS_SCHEMA },
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, KNOWS_SCHEMA, SEED);
    const d = await openIn(ctx, "deleter");
    const w = await openIn(ctx, "writer");
    // The insert validates Alice and revalidates its read set, and stops before its sidecar
    // (upstream's commit_all has listed the pending sidecars by then: none).
    world.failpoints.set(FP.RECOVERY_SIDECAR_WRITE, { kind: "park" });
    world.failpoints.set(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, { kind: "park" });
    const insert = w.spawn("insert", (c) => c.mutate("Bob knows Alice", [knows("Bob", "Alice")]));
    await world.until("the insert validated", () => world.failpoints.reached(FP.RECOVERY_SIDECAR_WRITE));
    // The delete revalidates (the head has not moved), writes its sidecar, commits the node
    // table, and stops before its publish (under a lease it waits for the insert's instead).
    const del = d.spawn("delete", (c) => c.mutate("delete Alice", [deletePerson("Alice")]));
    await world.until("the delete committed, or waits", () => world.failpoints.reached(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER) || world.isBlocked(del));
    if (!world.failpoints.reached(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER)) world.failpoints.set(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, { kind: "off" });
    // The insert commits and publishes: the graph head moves under the committed delete.
    world.failpoints.release(FP.RECOVERY_SIDECAR_WRITE);
    await world.join(insert);
    world.failpoints.release(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER);
    await world.join(del);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, KNOWS_SCHEMA, SEED);
    const d = await openIn(ctx, "deleter", { crashable: true });
    const w = await openIn(ctx, "writer", { crashable: true });
    // One write each: a process whose publish was refused after its commit leaves its sidecar
    // for the next open to roll back, and a later write of its own to the same table would meet
    // that drift (upstream refuses it `RecoveryRequired`; the model's drift guard says
    // `DriftAhead`, docs/fidelity.md). Alice is the edge's source or its destination; the search
    // picks how the two writes interleave, and where a process dies or a fault strikes.
    const [from, to] = world.choose("Alice's end of the edge", 2) === 0 ? ["Bob", "Alice"] : ["Alice", "Bob"];
    const del = d.spawn("delete", (c) => c.mutate("delete Alice", [deletePerson("Alice")]));
    const ins = w.spawn("insert", (c) => c.mutate(`${from} knows ${to}`, [knows(from, to)]));
    await world.join(del, ins);
  },
};
