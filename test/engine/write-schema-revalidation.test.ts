// Upstream's `revalidate_write_txn` (RFC-022, #343): inside its commit section a write re-reads
// the schema contract and refuses (`ReadSetChanged`, before any effect) if the accepted IR is no
// longer the one it validated at open. The window it closes lies between the open's contract
// read and its head probe: an apply published there moves no token the write captured (the
// probe already sees the apply's head). The test places the apply exactly there by running it
// from the writer's probe; without the re-read the write commits a property the apply dropped
// (`random-workload` on `fixed`, portfolio seed 640, before the model had it).
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import type { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { isOmniError } from "../../engine/errors.ts";
import { CARDINALITY_SCHEMA, inWorld } from "./helpers.ts";
import { PERSON, published, startProcess } from "./support.ts";

const WITH_NICKNAME = CARDINALITY_SCHEMA.replace("age: I32? }", "age: I32?  nickname: String? }");

/** Runs `apply` once, the first time the writer's coordinator probes (inside its open). */
function applyAtFirstProbe(writer: Omnigraph, apply: () => Promise<unknown>): void {
  const coordinator = writer.handle.coordinator;
  const probe = coordinator.probe.bind(coordinator);
  let done = false;
  coordinator.probe = async () => {
    if (!done) {
      done = true;
      await apply();
    }
    return probe();
  };
}

test("a schema apply published between a write's contract read and its head probe voids the write: it never commits the dropped property", async () => {
  for (const fixes of [PROFILES.fixed, PROFILES.upstream]) {
    await inWorld(
      async (w) => {
        const g = await startProcess(w, "app").init(WITH_NICKNAME);
        await g.mutate([{ kind: "insertNode", type: "Person", props: { name: "alice", nickname: "al" } }]);
        const writer = await startProcess(w, "writer").open();
        const applier = await startProcess(w, "applier").open();
        applyAtFirstProbe(writer, () => applier.applySchema(CARDINALITY_SCHEMA));
        let error: unknown = null;
        try {
          await writer.mutate([{ kind: "insertNode", type: "Person", props: { name: "bob", nickname: "bo" } }]);
        } catch (e) {
          error = e;
        }
        // Prepared again on the new contract, the insert is refused for the property it names.
        expect(isOmniError(error), String(error)).toBe(true);
        expect(applier.handle.schemaSource).toBe(CARDINALITY_SCHEMA);
        const rows = await published(w, PERSON, "nickname");
        expect(rows.map((r) => r.nickname)).toEqual([null]);
      },
      { fixes },
    );
  }
});
