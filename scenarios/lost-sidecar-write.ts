// F11 (the class of upstream's #602, a lost sidecar update bricking every open, found there by a
// lost-write fault): a writer's sidecar put is acknowledged but never becomes durable; the writer
// trusts it and commits its table, then dies (or its publish fails) before publishing. Recovery
// finds no sidecar, so nothing explains the table's Lance HEAD past its manifest pin: the drift
// stays after every open, and wedges the next write. The searched form places no fault itself:
// the seeded plan's `lost` and `error` kinds and a planned crash strike where the seed says.
import { RECOVERY_DIR } from "../engine/manifest/layout.ts";
import { objectCall, strike } from "../sim/faults/scripted.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

export const lostSidecarWrite: Scenario = {
  name: "lost-sidecar-write",
  summary: "a lost sidecar write, then a crash before the publish, leaves drift no recovery explains (#602's class)",
  claim: {
    kind: "bug",
    bug: "F11",
    redProfile: "upstream",
    // The drift stays, and the probe write after recovery meets it (the restart's wedge).
    symptoms: [
      { kind: "drift-after-recovery", table: "node:Person" },
      { kind: "wedged-write", errorKind: "DriftAhead", actor: "director" },
    ],
    closedBy: ["verifySidecarWrite"],
  },
  crashBudget: 1,
  storageFaults: ["lost", "error"],
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Seed")]]);
    const writer = await openIn(ctx, "writer", { crashable: true });
    strike(world, "lost", objectCall("objects.put", (k) => k.startsWith(RECOVERY_DIR)));
    writer.spawn("writer", (c) => c.mutate("insert Alice", [person("Alice")]));
    await world.until("the writer committed node:Person", () =>
      world.trace.events().some((e) => e.e === "io" && e.op === "datasets.commit" && e.actor === "writer" && "ok" in e),
    );
    world.crash(writer.proc);
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
  },
};
