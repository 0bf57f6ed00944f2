// F5 (found by omnisim): two processes recover one sidecar at once. Nothing serializes recovery
// across processes (upstream's root-shared gates serialize it within one process only, its
// documented known gap), so both classify the same sidecar and both act on it:
// - a roll-back raced: the loser restores the table a second time (Lance's Restore always
//   commits), its publish then expects the pin the winner already moved, and its open fails with
//   ExpectedVersionMismatch, leaving its restore as drift no sidecar covers. #296's convergence
//   covers the roll-forward arm only (B1); upstream's roll-back arm (`roll_back_sidecar`, at the
//   seed and at `62a9c3fe`) propagates the lost publish.
// - a roll-forward or a stale sidecar's audit raced: both audit the operation (#296's loser
//   audits whenever the sidecar still exists; the stale-sidecar path checks nothing, and
//   `finalize_visible_v3_outcome`'s `already_recorded` check is a read-then-append).
import type { TraceEvent } from "../sim/trace.ts";
import type { World } from "../sim/world.ts";
import { Client } from "./kit/client.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { company, openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

export const recoveryRaceAcrossProcesses: Scenario = {
  name: "recovery-race-across-processes",
  claim: {
    kind: "bug",
    bug: "F5",
    redProfile: "seed",
    // A lost roll-back fails the open the way B1's lost roll-forward does (with drift behind it
    // when the loser's restore is the last commit, without when the winner's came last); B1's
    // claim is its roll-forward arm, which #296 closes.
    // What the loser's restore leaves when it is the last commit: drift, and a probe write the
    // drift guard refuses.
    symptoms: [
      { kind: "open-failed", errorKind: "ExpectedVersionMismatch", opKind: "open" },
      { kind: "audit-duplicated" },
      { kind: "drift-after-recovery" },
      { kind: "wedged-write", errorKind: "DriftAhead", actor: "director" },
    ],
    closedBy: ["ownerLease"],
  },
  summary: "two processes recover one sidecar at once: a lost roll-back fails its open and leaves drift; both audit",
  crashBudget: 1,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Bob")]]);
    // The writer dies between its two table commits: a sidecar to roll back.
    const proc = world.process("writer", { crashable: true });
    const writer = await openIn(ctx, "writer", { proc: proc });
    const write = writer.spawn("writer", (c) => c.mutate("insert Alice and Acme", [person("Alice"), company("Acme")]));
    await untilIo(world, "the writer's first table commit", (e) => e.actor === "writer" && e.op === "datasets.commit");
    world.crash(proc);
    await world.join(write);
    // open-1 classifies both tables; open-2 (the director runs first) rolls the sidecar back
    // entirely; open-1 then restores again and loses the publish.
    const p1 = world.process("open-1");
    const first = world.spawn(p1, "open-1", () => Client.open(ctx, p1, "open-1"));
    let heads = 0;
    // (Under the lease, open-1 finds the dead writer's lease live and recovers nothing.)
    await untilIo(world, "open-1 read both tables' HEADs", (e) => e.actor === "open-1" && e.op === "datasets.latestVersion" && ++heads === 2, () => first.ended);
    const p2 = world.process("open-2");
    await Client.open(ctx, p2, "open-2");
    await world.join(first);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Bob")]]);
    // A write into two tables: a crash between its two commits leaves a sidecar to roll back,
    // one after its commits or its publish one to roll forward or audit; a fault fails it too.
    const proc = world.process("writer", { crashable: true });
    const writer = await openIn(ctx, "writer", { proc: proc });
    await world.join(writer.spawn("writer", (c) => c.mutate("insert Alice and Acme", [person("Alice"), company("Acme")])));
    // The recoveries themselves never crash and take no faults: whatever they race over is theirs.
    const opens = ["open-1", "open-2"].map((name) => {
      const p = world.process(name);
      return world.spawn(p, name, () => Client.open(ctx, p, name));
    });
    await world.join(...opens);
  },
};

/** The director waits until an io call matching `pred` has completed (each event is offered once). */
function untilIo(world: World, label: string, pred: (e: Extract<TraceEvent, { e: "io" }>) => boolean, orElse: () => boolean = () => false): Promise<void> {
  let seen = 0;
  let found = false;
  return world.until(label, () => {
    if (orElse()) return true;
    const events = world.trace.events();
    for (; seen < events.length && !found; seen++) {
      const e = events[seen]!;
      if (e.e === "io" && "ok" in e) found = pred(e);
    }
    return found;
  });
}
