// D1 of the fidelity audit: a delete that matches nothing. At the seed Lance's `Dataset::delete`
// commits a version anyway and the cascade records the table only when rows went (B11); #308
// (`fix308`) commits nothing for zero rows.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { byId } from "../../engine/write/ops.ts";
import { inWorld } from "./helpers.ts";
import { initAndLoad } from "./scripts.ts";
import { KNOWS, person, pinsAndHeads, rejects, sidecarKeys, startProcess, WORKS_AT } from "./support.ts";

/** Inserts a person with no edges and deletes it; returns each edge table's [pin, HEAD] after. */
async function deleteLoner(fix308: boolean) {
  let out: Record<string, [number, number]> = {};
  await inWorld(
    async (w) => {
      const g = await initAndLoad(w, startProcess(w, "app"));
      await g.mutate([person("Loner", 30)]);
      await g.mutate([{ kind: "deleteNode", type: "Person", where: byId("Loner") }]);
      out = await pinsAndHeads(w, KNOWS, WORKS_AT);
      expect(await sidecarKeys(w)).toEqual([]);
      if (!fix308) {
        // The drift wedges the next strict write to the table (upstream: "trips the next strict
        // write's ExpectedVersionMismatch").
        const [pinned, head] = out[KNOWS]!;
        await rejects(g.mutate([{ kind: "deleteEdge", type: "Knows", where: [{ column: "src", equals: "Alice" }] }]), "ExpectedVersionMismatch", {
          tableKey: KNOWS,
          expected: pinned,
          actual: head,
        });
      }
    },
    { fixes: { ...PROFILES.seed, fix308 } },
  );
  return out;
}

// Mirrors writes.rs::node_delete_with_no_incident_edges_leaves_no_edge_table_drift (added red by
// #308, green once a zero-row delete commits no Lance version).
test("a node delete whose cascade matches no edges drifts both edge tables at the seed, and none with fix308", async () => {
  expect(await deleteLoner(false)).toEqual({ [KNOWS]: [5, 6], [WORKS_AT]: [5, 6] });
  expect(await deleteLoner(true)).toEqual({ [KNOWS]: [5, 5], [WORKS_AT]: [5, 5] });
});

test("an edge delete matching nothing commits an unrecorded version at the seed, and nothing with fix308", async () => {
  for (const fix308 of [false, true]) {
    await inWorld(
      async (w) => {
        const g = await initAndLoad(w, startProcess(w, "app"));
        const r = await g.mutate([{ kind: "deleteEdge", type: "Knows", where: [{ column: "src", equals: "Nobody" }] }]);
        expect(r).toEqual({ affectedNodes: 0, affectedEdges: 0 });
        expect(await pinsAndHeads(w, KNOWS)).toEqual({ [KNOWS]: fix308 ? [5, 5] : [5, 6] });
      },
      { fixes: { ...PROFILES.seed, fix308 } },
    );
  }
});
