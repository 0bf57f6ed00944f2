// #495: a failed init deletes a completed graph's schema files. At the seed (`7d3a52d6`,
// omnigraph.rs `init_with_storage`) any error of init's storage phase after the `_schema.pg`
// claim runs `best_effort_cleanup_init_artifacts`, including one after `GraphCoordinator::init`
// committed the manifest (the `init.after_coordinator_init` failpoint, or any failure between
// the Create commit and the end of init). The graph's datasets and manifest stay, its schema
// files go: no open can read it, and a retried init fails on the datasets that exist (and
// cleans up again). Fixed by #502 (`426c7b96`; `fix502`): no cleanup past the commit point.
import { FP } from "../failpoints/catalog.ts";
import { INIT_MAY_FAIL, tryInit } from "./kit/init.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import type { Scenario } from "./types.ts";

export const initCleanupDeletesGraph: Scenario = {
  name: "init-cleanup-deletes-graph",
  summary: "an init failing after its manifest committed deletes the completed graph's schema files",
  claim: {
    kind: "bug",
    bug: "#495",
    redProfile: "seed",
    // No open can read the graph: its schema files are gone (the oracles find the final state
    // unreadable, and the liveness open fails on the missing `_schema.pg`); or, when one init's
    // cleanup takes another's files half way, they disagree and every open refuses them. An
    // open failing on a root with no `__manifest` is F9's (an init dead before its Create), as
    // are orphan schema files beside such a failure: the search reaches both.
    symptoms: [
      { kind: "final-state-unreadable" },
      { kind: "open-failed", errorKind: "StorageError", opKind: "open", alongside: ["final-state-unreadable"] },
      { kind: "open-failed", errorKind: "SchemaContractInvalid", opKind: "open", alongside: ["schema-files-disagree"] },
    ],
    closedBy: ["fix502"],
  },
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    world.failpoints.set(FP.INIT_AFTER_COORDINATOR_INIT, { kind: "error", times: 1 });
    const initialized = await tryInit(ctx, world.process("operator-a"), "operator-a", CARD_SCHEMA);
    // The operator retries an init that failed.
    if (!initialized) await tryInit(ctx, world.process("operator-b"), "operator-b", CARD_SCHEMA);
  },
  async searched(ctx) {
    // Two operators init the same root at once, each in a process the search may touch: the
    // fault plan decides whether an error or a crash strikes at one of init's failpoints (or
    // none), the seed the interleaving. If nobody ends with a graph, one retry.
    const { world } = ctx;
    const results: boolean[] = [];
    const operators = ["operator-a", "operator-b"].map((name) => {
      const proc = world.process(name, { crashable: true });
      return world.spawn(proc, name, async () => results.push(await tryInit(ctx, proc, name, CARD_SCHEMA)));
    });
    await world.join(...operators);
    if (!results.includes(true)) await tryInit(ctx, world.process("operator-retry"), "operator-retry", CARD_SCHEMA, { allow: INIT_MAY_FAIL });
  },
};
