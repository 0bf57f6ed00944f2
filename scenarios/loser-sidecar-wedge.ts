// B7 (RFC-013 s6.5): two handles insert into one table. The second passes its fresh re-read,
// writes its sidecar and commits (rebased) while the first publishes; the second's publish
// then fails, and its sidecar classifies UnexpectedAtP1: the heal defers it, and every later
// write on the table fails "HEAD ahead ... requires rollback" until a read-write reopen.
import { FP } from "../failpoints/catalog.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

export const loserSidecarWedge: Scenario = {
  name: "loser-sidecar-wedge",
  claim: {
    kind: "bug",
    bug: "B7",
    redProfile: "seed",
    // A load commits through the same `commit_all` and drift guard, and meets another
    // process's commit ahead of the manifest the same way (`full-reload-merge` on `upstream`,
    // the ledger's seed 390: a load beside a merge of another process, its pin read stale).
    symptoms: [
      { kind: "wedged-write", errorKind: "DriftAhead", opKind: "mutate" },
      { kind: "wedged-write", errorKind: "DriftAhead", opKind: "load" },
    ],
    closedBy: ["ownerLease"],
  },
  summary: "a writer that loses its publish after committing leaves a sidecar that wedges later writes",
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Seed")]]);
    const one = await openIn(ctx, "writer-1");
    const two = await openIn(ctx, "writer-2");
    world.failpoints.set(FP.RECOVERY_SIDECAR_WRITE, { kind: "park" });
    const second = two.spawn("writer-2", (c) => c.mutate("insert Bob", [person("Bob")], { allow: ["ExpectedVersionMismatch"] }));
    await world.until("writer-2 passed its re-read and parked at its sidecar write", () => world.failpoints.reached(FP.RECOVERY_SIDECAR_WRITE));
    const first = one.spawn("writer-1", (c) => c.mutate("insert Alice", [person("Alice")]));
    await world.until("writer-1 published, or waits", () => world.isBlocked(first));
    world.failpoints.release(FP.RECOVERY_SIDECAR_WRITE);
    await world.join(first, second);
    await one.mutate("later insert Carol", [person("Carol")]);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Seed")]]);
    const one = await openIn(ctx, "writer-1", { crashable: true });
    const two = await openIn(ctx, "writer-2", { crashable: true });
    await world.join(
      one.spawn("writer-1", (c) => c.mutate("insert Alice", [person("Alice")], { allow: ["ExpectedVersionMismatch"] })),
      two.spawn("writer-2", (c) => c.mutate("insert Bob", [person("Bob")], { allow: ["ExpectedVersionMismatch"] })),
    );
    const later = await openIn(ctx, "later-writer");
    await later.mutate("later insert Carol", [person("Carol")]);
  },
};
