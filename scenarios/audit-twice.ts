// F1 (found by omnisim): a recovery appends its audit row, then its process dies before it
// deletes the sidecar. The next recovery finds the sidecar again (every table NoMovement, the
// pin advanced: the "audit recovery" arm) and audits the same operation a second time.
import { FP } from "../failpoints/catalog.ts";
import { GRAPH_COMMIT_RECOVERIES } from "../engine/manifest/layout.ts";
import { Client } from "./kit/client.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { openIn, person } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

export const auditTwice: Scenario = {
  name: "audit-twice",
  summary: "a recovery that dies between its audit row and its sidecar delete makes the next recovery audit again",
  claim: {
    kind: "bug",
    bug: "F1",
    redProfile: "seed",
    symptoms: [{ kind: "audit-duplicated" }],
    closedBy: ["auditOnce"],
    masks: [{ flags: ["ownerLease"], why: "not expected: recorded so the check shows whether the lease alone hides the double audit" }],
  },
  crashBudget: 4,
  // A recovery's few writes: a crash point is drawn over fewer, so its last window is met often.
  crashHorizon: 4,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await Client.init(ctx, world.process("setup"), CARD_SCHEMA);
    const writer = await openIn(ctx, "writer", { proc: world.process("writer") });
    world.failpoints.set(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, { kind: "error", times: 1 });
    await writer.mutate("insert Alice (its publish fails)", [person("Alice")]);
    const proc = world.process("open-1", { crashable: true });
    const first = world.spawn(proc, "open-1", () => Client.open(ctx, proc, "open-1"));
    await world.until("open-1 appended its audit row", () =>
      world.trace.events().some((e) => e.e === "io" && e.op === "datasets.commit" && "ok" in e && String((e.args as { path?: unknown }).path) === GRAPH_COMMIT_RECOVERIES),
    );
    world.crash(proc);
    await world.join(first);
  },
  async searched(ctx) {
    const { world } = ctx;
    await Client.init(ctx, world.process("setup"), CARD_SCHEMA);
    const writerProc = world.process("writer", { crashable: true });
    const writer = await openIn(ctx, "writer", { proc: writerProc });
    await world.join(writer.spawn("writer", (c) => c.mutate("insert Alice", [person("Alice")])));
    // Recoveries one after another, each crashable: a crash after one's audit row and before its
    // sidecar delete leaves the next to audit again.
    for (const name of ["open-1", "open-2", "open-3"]) {
      const proc = world.process(name, { crashable: true });
      await world.join(world.spawn(proc, name, () => Client.open(ctx, proc, name)));
    }
  },
};
