// B9 (inferred upstream; confirmed here): the first write into a table without its indices
// commits its data (the sidecar pins HEAD = expected + 1), then builds the missing indices as
// more commits inside the publish step. If the publish then fails, HEAD is expected + 2 or
// more: the strict sidecar classifies UnexpectedMultistep, the in-process heal defers it, and
// later writes to the table are wedged until a read-write reopen.
import { FP } from "../failpoints/catalog.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { company, openIn, person, setupGraph, worksAt } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

const SEED = [[person("Alice"), person("Bob"), company("Acme"), company("Beta")]];

export const indexBuildBreaksPin: Scenario = {
  name: "index-build-breaks-pin",
  bug: "B9",
  summary: "index commits on the write path push HEAD past the sidecar's pin; a failed publish then wedges writes",
  redProfile: "seed",
  symptoms: ["wedged-write"],
  actors: ["writer"],
  oracles: ["operations-end-as-allowed (wedged-write)"],
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const w = await openIn(ctx, "writer");
    // WorksAt needs three BTrees; the first lands, the second's build fails the publish.
    world.failpoints.set(FP.ENSURE_INDICES_POST_STAGE_PRE_COMMIT_BTREE, { kind: "error", skip: 1, times: 1 });
    await w.mutate("first WorksAt edge (index builds on the write path)", [worksAt("Alice", "Acme")]);
    await w.mutate("a later WorksAt edge", [worksAt("Bob", "Beta")]);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const w = await openIn(ctx, "writer", { crashable: true });
    if (world.chance("an index build fails during the first edge's publish")) {
      world.failpoints.set(FP.ENSURE_INDICES_POST_STAGE_PRE_COMMIT_BTREE, { kind: "error", skip: world.choose("index builds that succeed first", 3), times: 1 });
    }
    await world.join(
      w.spawn("writer", async (c) => {
        await c.mutate("first WorksAt edge", [worksAt("Alice", "Acme")]);
        await c.mutate("a later WorksAt edge", [worksAt("Bob", "Beta")]);
      }),
    );
  },
};
