// #483: a crash inside init between the `__manifest` Create commit and its stamp commit leaves
// a manifest without its internal-schema stamp. The window is in the seed's source
// (`7d3a52d6`, manifest/graph.rs `init_manifest_graph`: Create, then `update_config`, then
// `stamp_current_version`, three commits), but the seed reads a missing stamp as v1 and
// migrates it on the first publish (migrations.rs), so the graph opens and takes writes: this
// is a control at the seed. Upstream's #311 (`7779b724`, `stampFloor311`) raised the oldest
// stamp an open accepts to the current one, and from then on such a graph was refused by every
// open (#483), until #487 (`4ea14450`; `fix487`) put the stamp into the Create commit.
import { FP } from "../failpoints/catalog.ts";
import { tryInit } from "./kit/init.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import type { Actor } from "../sim/scheduler.ts";
import type { Scenario, ScenarioContext } from "./types.ts";

/** Steps init takes after the Create commit at the seed: config, stamp, commit graph, open. */
const STEPS_AFTER_CREATE = 8;

async function crashInit(ctx: ScenarioContext, stepsAfterCreate: (init: Actor) => Promise<void>): Promise<void> {
  const { world } = ctx;
  // Not crashable by the search: the fault plan's strikes before the Create are F9's
  // (dead-init-bricks-root) and after the graph completed #495's (init-cleanup-deletes-graph);
  // this control measures the Create-to-stamp window alone, with the scripted crash below, so
  // its init is shielded from the fault plan too (a swarm universe would strike it otherwise).
  const proc = world.process("init", { shielded: true });
  world.failpoints.set(FP.INIT_POST_MANIFEST_CREATE, { kind: "park" });
  const init = world.spawn(proc, "init", () => tryInit(ctx, proc, "init", CARD_SCHEMA));
  await world.until("init committed its manifest", () => world.failpoints.reached(FP.INIT_POST_MANIFEST_CREATE) || init.ended);
  world.failpoints.release(FP.INIT_POST_MANIFEST_CREATE);
  await stepsAfterCreate(init);
  world.crash(proc);
  await world.join(init);
}

export const tornInitUnstamped: Scenario = {
  name: "torn-init-unstamped",
  summary: "a crash between the manifest's Create and its stamp; the seed migrates, #311 refused it (never red on seed)",
  claim: {
    kind: "control",
    of: "#483",
    why: "the seed reads a missing stamp as v1 and migrates it: a torn init opens and takes writes (red only with stampFloor311, the later #311 refusal, which only upstream has, and upstream also has #487)",
  },
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    await crashInit(ctx, async () => {});
  },
  async searched(ctx) {
    // The seed picks how far past the Create commit init gets before its process dies.
    await crashInit(ctx, async (init) => {
      const { world } = ctx;
      const from = init.steps;
      const k = world.choose("steps init takes past its Create commit", STEPS_AFTER_CREATE + 1);
      await world.until(`init took ${k} steps past its Create commit`, () => init.steps >= from + k || init.ended);
    });
  },
};
