// F8 (found by omnisim; upstream's at the seed): a recovery rolls an operation back, audits it
// `RolledBack`, and its process dies before it deletes the sidecar. The roll-back published the
// restored HEADs (`roll_back_sidecar` at `7d3a52d6`, manifest/recovery.rs), so the next recovery
// finds every table `NoMovement` with a pin advanced past the sidecar's expected version: the
// audit-recovery arm, which reads that as a finished roll-forward and audits `RolledForward`.
// The operation is audited twice, with contradictory outcomes; had the dying recovery not yet
// audited, once, as what it was not. F1's fix as first written (no second row *of the same
// kind*) missed it; `auditOnce` refuses any second row, and audits a roll-back whose restore
// commits are the pins as `RolledBack`.
import { LEASE_TTL_MS } from "../engine/lease/lease.ts";
import { GRAPH_COMMIT_RECOVERIES } from "../engine/manifest/layout.ts";
import type { MutationOp } from "../engine/write/ops.ts";
import type { World } from "../sim/world.ts";
import { Client } from "./kit/client.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { company, openIn, person, setupGraph, worksAt } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

/**
 * Four tables in one mutation: a crash between two of their commits leaves a sidecar that rolls
 * back (one table `RolledPastExpected`, another `NoMovement`).
 */
const BOB_AND_ACME: readonly MutationOp[] = [person("Bob", 40), company("Acme"), worksAt("Bob", "Acme"), { kind: "insertEdge", type: "Knows", from: "Bob", to: "Alice" }];

interface CommitArgs {
  readonly path?: unknown;
  readonly delta?: { readonly op?: unknown };
}

/** Whether `actor` committed to a dataset: to `path`, or (without one) a data commit to any table. */
function committed(world: World, actor: string, path?: string): boolean {
  return world.trace.events().some((e) => {
    if (e.e !== "io" || e.op !== "datasets.commit" || !("ok" in e) || e.actor !== actor) return false;
    const args = e.args as CommitArgs;
    return path === undefined ? args.delta?.op === "StagedMergeInsert" : String(args.path) === path;
  });
}

export const rollbackAuditedForward: Scenario = {
  name: "rollback-audited-forward",
  summary: "a recovery that dies between a roll-back's audit row and its sidecar delete makes the next recovery audit it RolledForward",
  claim: {
    kind: "bug",
    bug: "F8",
    redProfile: "seed",
    // Audited twice; or, when the dying recovery had not audited yet, once as what it was not
    // (the oracles' recovery audit: audit-mismatch).
    symptoms: [{ kind: "audit-duplicated" }, { kind: "audit-mismatch", opKind: "mutate" }],
    closedBy: ["auditOnce"],
  },
  crashBudget: 2,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Alice", 30)]]);
    const writerProc = world.process("writer", { crashable: true });
    const writer = await openIn(ctx, "writer", { proc: writerProc });
    const write = writer.spawn("writer", (c) => c.mutate("insert Bob, Acme and two edges", BOB_AND_ACME));
    await world.until("the writer committed one of its two tables", () => committed(world, "writer") || write.ended);
    world.crash(writerProc);
    await world.join(write);
    // Under `ownerLease` a recovery leaves a sidecar alone until its writer's lease expires.
    await world.sleep(LEASE_TTL_MS + 1);
    const proc = world.process("open-1", { crashable: true });
    const first = world.spawn(proc, "open-1", () => Client.open(ctx, proc, "open-1"));
    await world.until("open-1 appended its audit row", () => committed(world, "open-1", GRAPH_COMMIT_RECOVERIES) || first.ended);
    world.crash(proc);
    await world.join(first);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Alice", 30)]]);
    const writerProc = world.process("writer", { crashable: true });
    const writer = await openIn(ctx, "writer", { proc: writerProc });
    await world.join(writer.spawn("writer", (c) => c.mutate("insert Bob, Acme and two edges", BOB_AND_ACME)));
    await world.sleep(LEASE_TTL_MS + 1);
    const proc = world.process("open-1", { crashable: true });
    await world.join(world.spawn(proc, "open-1", () => Client.open(ctx, proc, "open-1")));
  },
};
