// B1 as the seed's flaky server test (`schema_apply_route_hard_drops_property_with_allow_data_loss`,
// 13-40% under load): the server's handle hard-drops `age`; the handler's detached
// `ensure_indices()` rebuilds the indices the overwrite dropped (two index commits under an
// EnsureIndices sidecar, then a publish with no expected map); a fresh handle's open sweep
// classifies that live sidecar RolledPastExpected and loses the publish to it:
// ExpectedVersionMismatch{node:Person, 5, 7}.
import { FP } from "../failpoints/catalog.ts";
import { Client } from "./kit/client.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { SERVER_SCHEMA, SERVER_SCHEMA_WITHOUT_AGE } from "./kit/schemas.ts";
import { openIn, setupGraph } from "./kit/setup.ts";
import type { Scenario, ScenarioContext } from "./types.ts";

const PEOPLE = { mode: "Append", nodes: { Person: [{ name: "Alice", age: 30 }, { name: "Bob", age: 40 }] } } as const;

/** init, the server's handle, and the test's out-of-band load (Person v2, indices v3 and v4). */
async function setup(ctx: ScenarioContext, crashable: boolean) {
  const { world } = ctx;
  await setupGraph(ctx, SERVER_SCHEMA);
  const test = world.process("test", { crashable });
  const server = await openIn(ctx, "server", { served: true, crashable });
  const loader = await openIn(ctx, "test-load", { proc: test });
  await loader.load("out-of-band load", PEOPLE);
  return { server, test };
}

export const schemaApplyReopen: Scenario = {
  name: "schema-apply-reopen",
  claim: {
    kind: "bug",
    bug: "B1",
    redProfile: "seed",
    // The open fails on the lost roll-forward (before #296), or, having won it, deletes the live
    // ensureIndices' sidecar (the B6 flavour of the same race): both end with the detached task.
    symptoms: [
      { kind: "open-failed", errorKind: "ExpectedVersionMismatch", opKind: "open", actor: "fresh" },
      { kind: "live-sidecar-deleted", opKind: "open", actor: "fresh" },
    ],
    closedBy: ["noDetachedEnsureIndices"],
    masks: [{ flags: ["ownerLease"], why: "the detached ensureIndices holds the branch lease from its sidecar to its publish, so the fresh open leaves its sidecar alone" }],
  },
  summary: "the server's detached ensureIndices after a hard drop races a fresh handle's open (#296)",
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    const { server, test } = await setup(ctx, false);
    world.failpoints.set(FP.ENSURE_INDICES_POST_PHASE_B_PRE_MANIFEST_COMMIT, { kind: "park" });
    world.failpoints.set(FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH, { kind: "park" });
    await world.join(server.spawn("apply", (c) => c.applySchema("hard-drop Person.age", SERVER_SCHEMA_WITHOUT_AGE, { allowDataLoss: true })));
    const detached = () => world.sched.actors.find((a) => a.name.startsWith("ensure_indices"));
    // On the seed the detached task commits its indices and parks before publishing.
    await world.until("the detached ensureIndices parked, or there is none", () =>
      world.failpoints.reached(FP.ENSURE_INDICES_POST_PHASE_B_PRE_MANIFEST_COMMIT) || !detached() || world.isBlocked(detached()!),
    );
    const open = world.spawn(test, "fresh open", () => Client.open(ctx, test, "fresh"));
    await world.until("the fresh open parked before its roll-forward publish, or finished", () =>
      world.failpoints.reached(FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH) || world.isBlocked(open),
    );
    world.failpoints.release(FP.ENSURE_INDICES_POST_PHASE_B_PRE_MANIFEST_COMMIT);
    const task = detached();
    if (task) await world.join(task);
    world.failpoints.release(FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH);
    await world.join(open);
  },
  async searched(ctx) {
    const { world } = ctx;
    const { server, test } = await setup(ctx, true);
    const apply = server.spawn("apply", (c) => c.applySchema("hard-drop Person.age", SERVER_SCHEMA_WITHOUT_AGE, { allowDataLoss: true }));
    await world.join(apply);
    const open = world.spawn(test, "fresh open", () => Client.open(ctx, test, "fresh"));
    await world.join(open, ...world.sched.actors.filter((a) => a.name.startsWith("ensure_indices")));
  },
};
