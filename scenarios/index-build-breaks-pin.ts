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
  claim: {
    kind: "bug",
    bug: "B9",
    redProfile: "seed",
    symptoms: [{ kind: "wedged-write", errorKind: "DriftAhead", opKind: "mutate" }],
    closedBy: ["noWritePathIndexBuild"],
    masks: [{ flags: ["ownerLease"], why: "a committer recovers under the lease with full recovery, which rolls the multistep sidecar back instead of deferring it" }],
  },
  summary: "index commits on the write path push HEAD past the sidecar's pin; a failed publish then wedges writes",
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
    await world.join(
      w.spawn("writer", async (c) => {
        await c.mutate("first WorksAt edge", [worksAt("Alice", "Acme")]);
        await c.mutate("a later WorksAt edge", [worksAt("Bob", "Beta")]);
      }),
    );
  },
};
