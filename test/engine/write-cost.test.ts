// The write path's schema-contract cost (upstream tests/write_cost.rs): one validation per
// write, counted as storage calls in the trace.
import { expect, test } from "vitest";
import { inWorld } from "./helpers.ts";
import { initAndLoad } from "./scripts.ts";
import { objectReadsSince, person, PERSON, publishedIds, startProcess } from "./support.ts";

// Mirrors write_cost.rs::write_validates_schema_contract_once.
test("a node insert validates the schema contract once: three object reads and two existence checks", async () => {
  await inWorld(async (w) => {
    await initAndLoad(w);
    const db = await startProcess(w, "counted").open();
    const from = w.trace.length;
    await db.mutate([person("schema_once", 30)]);
    expect(objectReadsSince(w, from)).toEqual({ get: 3, exists: 2 });
    expect(await publishedIds(w, PERSON)).toContain("schema_once");
  });
});
