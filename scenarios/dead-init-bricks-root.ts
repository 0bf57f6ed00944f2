// F9 (found by omnisim): an init whose process dies after it wrote `_schema.pg` and before its
// `__manifest` Create leaves a root that no open and no init can use. At the seed (`7d3a52d6`,
// omnigraph.rs `init_with_storage`) the open fails with an untyped Lance error and a strict init
// refuses the orphan schema files (`AlreadyInitialized`; only `init --force`, not modelled,
// overwrites them). With #502 (`426c7b96`; upstream at `62a9c3fe`) the dead attempt's root claim
// stays too: the open fails with a typed NotFound (b25e0388), a strict init still refuses the
// files and a forced one the claim (`InitializationClaimed`), which the operator must quiesce
// every initializer and remove by hand (error.rs, docs/user/operations/errors.md). Nothing was
// acknowledged, so nothing is lost, but the root is bricked until someone intervenes.
// `initTakeover` gives the claim a lease and lets a later init take a dead attempt over.
import { FP } from "../failpoints/catalog.ts";
import { INIT_MAY_FAIL, tryInit } from "./kit/init.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import type { Scenario } from "./types.ts";

export const deadInitBricksRoot: Scenario = {
  name: "dead-init-bricks-root",
  summary: "an init that dies between its schema files and its manifest leaves a root no open and no init can use",
  claim: {
    kind: "bug",
    bug: "F9",
    redProfile: "seed",
    symptoms: [
      // The seed: the restart's open fails untyped (fail closed, no re-init is even judged).
      // (With the final state unreadable it is #495's: a graph whose schema files went.)
      { kind: "open-failed", errorKind: "StorageError", opKind: "open", unless: ["final-state-unreadable"] },
      // #502's world: a typed refusal, but the root takes no init.
      { kind: "root-bricked" },
      // The orphan _schema.pg without its IR and state files (the oracles' schema agreement).
      { kind: "schema-files-disagree" },
    ],
    closedBy: ["fix502", "typedNotFound", "initTakeover"],
  },
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    world.failpoints.set(FP.INIT_AFTER_SCHEMA_PG_WRITTEN, { kind: "crash" });
    const proc = world.process("operator-a", { crashable: true });
    await world.join(world.spawn(proc, "operator-a", () => tryInit(ctx, proc, "operator-a", CARD_SCHEMA)));
  },
  async searched(ctx) {
    // An operator inits; the fault plan decides whether its process dies at one of init's
    // failpoints. A second operator starts a seed-chosen number of steps later and tries too
    // (refused while the first holds the root: allowed).
    const { world } = ctx;
    const procA = world.process("operator-a", { crashable: true });
    const a = world.spawn(procA, "operator-a", () => tryInit(ctx, procA, "operator-a", CARD_SCHEMA));
    await world.stagger("the second operator starts after the first's k-th step", a, 40);
    const procB = world.process("operator-b", { crashable: true });
    const b = world.spawn(procB, "operator-b", () => tryInit(ctx, procB, "operator-b", CARD_SCHEMA, { allow: INIT_MAY_FAIL }));
    await world.join(a, b);
  },
};
