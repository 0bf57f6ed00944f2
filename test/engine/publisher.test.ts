// D10 of the fidelity audit and the manifest stamp of D9: the publisher runs the internal-schema
// migration on its open-for-write path, returns without loading when it has nothing to publish
// and nothing to check, and ends a spent retry budget with the last RowLevelCasContention.
import { expect, test } from "vitest";
import { isOmniError } from "../../engine/errors.ts";
import { INTERNAL_MANIFEST_SCHEMA_VERSION, readStamp, stampRow } from "../../engine/manifest/internal-schema.ts";
import { publish, PUBLISHER_RETRY_BUDGET } from "../../engine/manifest/publisher.ts";
import { StorageError } from "../../engine/storage/errors.ts";
import type { ManifestRow, Version } from "../../engine/storage/types.ts";
import type { World } from "../../sim/world.ts";
import { inWorld, proc } from "./helpers.ts";
import { PERSON, rejects, startProcess } from "./support.ts";

const v = (n: number) => n as Version;

/** Overwrites the stamp row as a test's `update_schema_metadata` would (undefined: removed). */
async function setStamp(w: World, value: string | undefined): Promise<void> {
  const at = await w.storage.manifest.latestVersion(null);
  const row: ManifestRow = value === undefined ? { ...stampRow(0), metadata: undefined } : { ...stampRow(0), metadata: value };
  await w.storage.manifest.merge(null, at, [row]);
}

const stamp = async (w: World) => readStamp(await w.storage.manifest.load(null));

// Taken from upstream's unit test `test_init_stamps_internal_schema_version` (src/db/manifest/tests.rs).
test("init stamps the manifest at the current internal schema version", async () => {
  await inWorld(async (w) => {
    await startProcess(w, "init").init();
    expect(await stamp(w)).toBe(INTERNAL_MANIFEST_SCHEMA_VERSION);
  });
});

// Taken from upstream's unit test `test_publish_migrates_pre_stamp_manifest_to_current_version`.
test("a publish with expectations on an unstamped (v1) manifest migrates it to the current version", async () => {
  await inWorld(async (w) => {
    await startProcess(w, "init").init();
    await setStamp(w, undefined);
    expect(await stamp(w)).toBe(1);
    await publish(proc(w, "publisher"), null, [], new Map([[PERSON, v(1)]]));
    expect(await stamp(w)).toBe(INTERNAL_MANIFEST_SCHEMA_VERSION);
    await startProcess(w, "reopen").open();
  });
});

// Taken from upstream's unit test `test_v2_to_v3_sweeps_legacy_run_branches_on_write_open`.
test("the v2 -> v3 step sweeps legacy __run__ branches and keeps the others; a second publish does nothing more", async () => {
  await inWorld(async (w) => {
    await startProcess(w, "init").init();
    for (const b of ["__run__01J9LEGACY", "__run__01J9SECOND", "feature"]) await w.storage.manifest.createBranch(b, null);
    await setStamp(w, "2");
    await publish(proc(w, "publisher"), null, [], new Map([[PERSON, v(1)]]));
    expect(await stamp(w)).toBe(INTERNAL_MANIFEST_SCHEMA_VERSION);
    expect(await w.storage.manifest.listBranches()).toEqual(["feature"]);
    const at = await w.storage.manifest.latestVersion(null);
    await publish(proc(w, "publisher-2"), null, [], new Map([[PERSON, v(1)]]));
    expect(await w.storage.manifest.latestVersion(null)).toBe(at);
  });
});

// Taken from upstream's unit test `test_publish_rejects_manifest_stamped_at_future_version`.
test("a publish on a manifest stamped newer than this engine refuses: upgrade first", async () => {
  await inWorld(async (w) => {
    await startProcess(w, "init").init();
    const future = INTERNAL_MANIFEST_SCHEMA_VERSION + 99;
    await setStamp(w, String(future));
    const e = await rejects(publish(proc(w, "publisher"), null, [], new Map([[PERSON, v(1)]])), "InternalSchemaUnsupported", { stamp: future, supported: INTERNAL_MANIFEST_SCHEMA_VERSION });
    expect(e.message).toContain("upgrade omnigraph");
  });
});

test("with nothing to publish and nothing to check the publisher loads nothing", async () => {
  await inWorld(async (w) => {
    await startProcess(w, "init").init();
    const loadsBefore = w.trace.events().filter((e) => e.e === "io" && e.op === "manifest.load").length;
    expect(await publish(proc(w, "publisher"), null, [], null)).toBe(await w.storage.manifest.latestVersion(null));
    expect(w.trace.events().filter((e) => e.e === "io" && e.op === "manifest.load").length).toBe(loadsBefore);
  });
});

test("a retry budget spent on row-level CAS contention ends with that contention, after 1 + the budget attempts", async () => {
  await inWorld(async (w) => {
    await startProcess(w, "init").init();
    const env = proc(w, "publisher");
    let merges = 0;
    const contended = {
      ...env,
      storage: {
        ...env.storage,
        manifest: {
          ...env.storage.manifest,
          merge: async () => {
            merges++;
            throw new StorageError("TooMuchWriteContention", "Too much write contention");
          },
        },
      },
    };
    let error: unknown = null;
    try {
      await publish(contended, null, [{ kind: "update", tableKey: PERSON, version: v(2), branch: null, rowCount: 0 }], null);
    } catch (e) {
      error = e;
    }
    expect(String(error)).toContain("row-level CAS");
    expect(isOmniError(error, "RowLevelCasContention") && error.details).toEqual({ attempt: PUBLISHER_RETRY_BUDGET });
    expect(merges).toBe(PUBLISHER_RETRY_BUDGET + 1);
  });
});
