// F7 (upstream's #601 class, found there by a misdirected-write fault): a writer's sidecar put
// lands under a foreign name (`__recovery/<op>~misdirected.json`). Recovery lists and reads it
// (the operation id is in its body) but deletes, and checks, its operation's own name, so the
// file under the foreign name is never deleted: every recovery meets it again. The searched form
// places no fault itself: the seeded plan's `misdirected` kind strikes where the seed says.
import { RECOVERY_DIR } from "../engine/manifest/layout.ts";
import { objectCall, strike } from "../sim/faults/scripted.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

export const misdirectedSidecar: Scenario = {
  name: "misdirected-sidecar",
  summary: "a sidecar written under a foreign name is recovered but never deleted (#601's class)",
  claim: {
    kind: "bug",
    bug: "F7",
    redProfile: "upstream",
    // Under upstream's write barrier the leftover sidecar also refuses every later write of its
    // branch (`commit_all`'s listing under the gates): the write after recovery is wedged.
    symptoms: [{ kind: "sidecar-after-recovery" }, { kind: "wedged-write", errorKind: "RecoveryRequired", actor: "director", alongside: ["sidecar-after-recovery"] }],
    closedBy: ["deleteListedSidecar"],
  },
  crashBudget: 0,
  storageFaults: ["misdirected"],
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Seed")]]);
    const writer = await openIn(ctx, "writer");
    strike(world, "misdirected", objectCall("objects.put", (k) => k.startsWith(RECOVERY_DIR)));
    await writer.mutate("insert Alice", [person("Alice")]);
    await writer.mutate("insert Bob", [person("Bob")]);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Seed")]]);
    const one = await openIn(ctx, "writer-1", { crashable: true });
    const two = await openIn(ctx, "writer-2", { crashable: true });
    await world.join(
      one.spawn("writer-1", async (c) => {
        await c.mutate("insert Alice", [person("Alice")], { allow: ["ExpectedVersionMismatch"] });
        await c.mutate("insert Carol", [person("Carol")], { allow: ["ExpectedVersionMismatch"] });
      }),
      two.spawn("writer-2", (c) => c.mutate("insert Bob", [person("Bob")], { allow: ["ExpectedVersionMismatch"] })),
    );
  },
};
