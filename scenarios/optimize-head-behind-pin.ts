// F4 (a residual of #297, found by omnisim): optimize opens a table's Lance HEAD, then reads the
// table's manifest pin as its CAS baseline, and calls HEAD below the pin an internal error
// ("Lance HEAD version N is behind manifest version N+1"). A writer on another handle or process
// that commits and publishes between the two reads produces exactly that, and optimize fails
// because of a logical write. Upstream has the same order at the seed (`optimize_one_table`:
// `open_dataset_head_for_write`, then `fresh_snapshot_for_branch`) and at `62a9c3fe`
// (`prepare_optimize_table` opens HEAD, `apply_optimize_table_effects` re-reads the pin), where
// the root-shared gates close it in one process but not across processes, a topology #297 says
// optimize survives ("a CLI `optimize` vs the served server").
import { tablePathForTableKey } from "../engine/schema/catalog.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

/** Four separate inserts: four fragments, so compaction has work. */
const SEED = [[person("A1")], [person("A2")], [person("A3")], [person("A4")]];
const PERSON_EVE = person("Eve");

export const optimizeHeadBehindPin: Scenario = {
  name: "optimize-head-behind-pin",
  claim: {
    kind: "bug",
    bug: "F4",
    redProfile: "seed",
    symptoms: [{ kind: "maintenance-failed", errorKind: "HeadBehindManifest", opKind: "optimize" }],
    closedBy: ["pinBeforeHead"],
    masks: [{ flags: ["ownerLease"], why: "optimize holds the branch lease from its plan to its publish, so no write publishes between its two reads" }],
  },
  summary: "a write published between optimize's HEAD read and its pin read fails optimize (HEAD 'behind' the manifest)",
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const o = await openIn(ctx, "optimizer");
    const w = await openIn(ctx, "writer");
    const person = tablePathForTableKey("node:Person");
    const opt = o.spawn("optimize", (c) => c.optimize());
    // No failpoint lies between the two reads: the director (which runs whenever it can) waits
    // until optimize has read Person's HEAD, and writes and publishes before optimize's next step.
    await world.until("optimize read Person's Lance HEAD", () =>
      world.trace.events().some((e) => e.e === "io" && e.op === "datasets.checkout" && "ok" in e && e.actor !== "director" && (e.args as { path?: unknown }).path === person),
    );
    await w.mutate("insert Eve", [PERSON_EVE]);
    await world.join(opt);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, SEED);
    const o = await openIn(ctx, "optimizer", { crashable: true });
    const w = await openIn(ctx, "writer", { crashable: true });
    // One to three inserts on the writer's side, each its own publish: each is a chance to land
    // between optimize's reads of one table.
    const inserts = 1 + world.choose("further inserts", 3);
    const writer = w.spawn("insert", async (c) => {
      for (let i = 0; i < inserts; i++) await c.mutate(`insert W${i}`, [person(`W${i}`)]);
    });
    await world.join(o.spawn("optimize", (c) => c.optimize()), writer);
  },
};
