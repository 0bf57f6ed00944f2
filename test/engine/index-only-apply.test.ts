// A schema apply that only adds an `@index` does no table work (upstream leaves the build to the
// next optimize or ensureIndices, iss-848). At the seed it wrote no recovery sidecar, so a crash
// after its publish left staging files recovery could not place: the live and staged schemas
// imply the same tables, and the open refuses to guess (`SchemaContractInvalid`); a crash inside
// the `_schema.pg` rename reads as a no-op apply's leftovers, and the staging IR is deleted under
// the new source. #346 (`905a27c4`) writes a sidecar for every non-empty migration, so recovery
// promotes the staging files (`fix346`, on in `upstream` and `fixed`). Found by the random
// workload once its applies add `@index` on `age` (random-workload-branches on fixed, seed 25).
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { FP } from "../../failpoints/catalog.ts";
import { SCHEMA_CONTRACT_STAGING_FILES } from "../../engine/schema/contract.ts";
import { CARDINALITY_SCHEMA, inWorld } from "./helpers.ts";
import { failsAt, onlySidecar, rejects, sidecarKeys, startProcess } from "./support.ts";

const INDEXED = CARDINALITY_SCHEMA.replace("age: I32? }", "age: I32? @index }");

test("an index-only apply failing after its publish: recovered on upstream (#346 sidecar), refused at the seed", async () => {
  await inWorld(
    async (w) => {
      const g = await startProcess(w, "app").init();
      await g.load({ mode: "Append", nodes: { Person: [{ name: "alice", age: 30 }] } });
      await failsAt(w, FP.SCHEMA_APPLY_AFTER_MANIFEST_COMMIT, () => g.applySchema(INDEXED));
      expect(await onlySidecar(w)).toMatchObject({ writer_kind: "SchemaApply", tables: [], tombstones: [] });
      const reopened = await startProcess(w, "reopen").open();
      expect(reopened.handle.schemaSource).toBe(INDEXED);
      expect(await sidecarKeys(w)).toEqual([]);
      for (const f of SCHEMA_CONTRACT_STAGING_FILES) expect(await w.storage.objects.exists(f)).toBe(false);
    },
    { fixes: PROFILES.upstream },
  );
  await inWorld(async (w) => {
    const g = await startProcess(w, "app").init();
    await g.load({ mode: "Append", nodes: { Person: [{ name: "alice", age: 30 }] } });
    await failsAt(w, FP.SCHEMA_APPLY_AFTER_MANIFEST_COMMIT, () => g.applySchema(INDEXED));
    expect(await sidecarKeys(w)).toEqual([]);
    const refused = await rejects(startProcess(w, "reopen").open(), "SchemaContractInvalid");
    expect(refused.message).toMatch(/cannot disambiguate/);
  });
});
