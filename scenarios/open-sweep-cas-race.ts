// B1 (#296): the open-time sweep classifies a sidecar, then loses the roll-forward publish to
// another open that rolled the same sidecar forward first; before #296 the loser's open fails
// with ExpectedVersionMismatch. Mirrors upstream
// `open_sweep_roll_forward_converges_when_manifest_advances_concurrently`.
import { FP } from "../failpoints/catalog.ts";
import { Client } from "./kit/client.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { openIn } from "./kit/setup.ts";
import type { Scenario, ScenarioContext } from "./types.ts";

const ALICE = { kind: "insertNode", type: "Person", props: { name: "Alice" } } as const;

/** A write whose publish fails after its dataset commit: a sidecar to roll forward. */
async function leaveSidecar(ctx: ScenarioContext): Promise<void> {
  const { world } = ctx;
  await Client.init(ctx, world.process("setup"), CARD_SCHEMA);
  const writer = await openIn(ctx, "writer", { proc: world.process("writer") });
  world.failpoints.set(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, { kind: "error", times: 1 });
  await writer.mutate("insert Alice", [ALICE]);
}

export const openSweepCasRace: Scenario = {
  name: "open-sweep-cas-race",
  claim: {
    kind: "bug",
    bug: "B1",
    redProfile: "seed",
    // A lost roll-back race fails an open the same way but leaves drift behind: another bug.
    symptoms: [{ kind: "open-failed", errorKind: "ExpectedVersionMismatch", opKind: "open", actor: "open-", unless: ["drift-after-recovery"] }],
    closedBy: ["fix296"],
    masks: [{ flags: ["ownerLease"], why: "recovery runs under the branch lease, so a second open never recovers a sidecar the first is still recovering" }],
  },
  summary: "two opens recover one sidecar; the loser's roll-forward publish fails the open (#296)",
  crashBudget: 1,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await leaveSidecar(ctx);
    world.failpoints.set(FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH, { kind: "park" });
    const first = world.spawn(world.process("open-1"), "open-1", () => Client.open(ctx, world.sched.current!.proc, "open-1"));
    await world.until("open-1 parked before its roll-forward publish", () => world.failpoints.reached(FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH));
    const second = world.spawn(world.process("open-2"), "open-2", () => Client.open(ctx, world.sched.current!.proc, "open-2"));
    await world.join(second);
    world.failpoints.release(FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH);
    await world.join(first);
  },
  async searched(ctx) {
    const { world } = ctx;
    // The writer may leave a sidecar behind if the search crashes it or a planned fault fails
    // its publish; the opens then race to recover it.
    await Client.init(ctx, world.process("setup"), CARD_SCHEMA);
    const proc = world.process("writer", { crashable: true });
    const writer = await openIn(ctx, "writer", { proc: proc });
    await world.join(writer.spawn("writer", (c) => c.mutate("insert Alice", [ALICE])));
    const opens = ["open-1", "open-2"].map((name) => {
      const proc = world.process(name, { crashable: true });
      return world.spawn(proc, name, () => Client.open(ctx, proc, name));
    });
    await world.join(...opens);
  },
};
