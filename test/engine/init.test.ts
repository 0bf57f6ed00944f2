// D9 of the fidelity audit: init as upstream had it at the seed. The preflight refuses a root
// with any schema file before writing; a failure after the `_schema.pg` claim deletes the
// three schema files, at the seed even after the graph committed (#495; `fix502`); the
// manifest is created, then configured, then stamped, so a crash in between leaves it
// unstamped (#483; `fix487`), which the seed migrates on its first publish and upstream's #311
// (`stampFloor311`) refused.
import { expect, test } from "vitest";
import { FP } from "../../failpoints/catalog.ts";
import { type Fixes, PROFILES } from "../../engine/fixes.ts";
import { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { catalogTableKeys, tablePathForTableKey } from "../../engine/schema/catalog.ts";
import { compileSchema } from "../../engine/schema/catalog-builder.ts";
import { SCHEMA_CONTRACT_FILES } from "../../engine/schema/contract.ts";
import type { World } from "../../sim/world.ts";
import { CARDINALITY_SCHEMA, inWorld } from "./helpers.ts";
import { injected, person, publishedIds, PERSON, rejects, startProcess } from "./support.ts";

/** The open's handle, or the kind of what it threw (a storage error included). */
async function tryOpen(w: World, name: string): Promise<Omnigraph | string> {
  try {
    return await startProcess(w, name).open();
  } catch (e) {
    return (e as { kind?: string }).kind ?? String(e);
  }
}

async function schemaFiles(w: World): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const f of SCHEMA_CONTRACT_FILES) out[f] = (await w.storage.objects.exists(f)) ? await w.storage.objects.get(f) : null;
  return out;
}

async function initFailingAt(w: World, failpoint: (typeof FP)[keyof typeof FP]): Promise<void> {
  w.failpoints.set(failpoint, { kind: "error" });
  await rejects(startProcess(w, "init").init(), "InjectedFailure", injected(failpoint));
  w.failpoints.set(failpoint, { kind: "off" });
}

// Mirrors failpoints.rs::init_failpoint_after_schema_pg_written_cleans_up_schema_file
test("a failure right after the _schema.pg claim deletes it", async () => {
  await inWorld(async (w) => {
    await initFailingAt(w, FP.INIT_AFTER_SCHEMA_PG_WRITTEN);
    expect(await schemaFiles(w)).toEqual({ "_schema.pg": null, "_schema.ir.json": null, "__schema_state.json": null });
  });
});

// Mirrors failpoints.rs::init_failpoint_after_schema_contract_written_cleans_up_all_schema_files
test("a failure after the contract is written deletes all three schema files, and a retry succeeds", async () => {
  await inWorld(async (w) => {
    await initFailingAt(w, FP.INIT_AFTER_SCHEMA_CONTRACT_WRITTEN);
    expect(Object.values(await schemaFiles(w))).toEqual([null, null, null]);
    await startProcess(w, "retry").init();
  });
});

/** Init fails after the coordinator committed; then a new process opens and writes. */
async function failAfterCommit(fixes: Fixes) {
  let out: { files: (string | null)[]; reopen: string } = { files: [], reopen: "" };
  await inWorld(
    async (w) => {
      await initFailingAt(w, FP.INIT_AFTER_COORDINATOR_INIT);
      const files = Object.values(await schemaFiles(w));
      const reopened = await tryOpen(w, "reopen");
      if (typeof reopened !== "string") {
        await reopened.mutate([person("post-commit-survivor", 1)]);
        expect(await publishedIds(w, PERSON)).toEqual(["post-commit-survivor"]);
      }
      out = { files: files.map((f) => (f === null ? null : "present")), reopen: typeof reopened === "string" ? reopened : "ok" };
    },
    { fixes },
  );
  return out;
}

// Mirrors failpoints.rs::init_failpoint_after_coordinator_init_cleans_up_schema_files (the seed's
// test, which asserts the cleanup #495 later found wrong)
test("at the seed a failure after the graph committed deletes its schema files: it cannot open", async () => {
  const r = await failAfterCommit(PROFILES.seed);
  expect(r).toEqual({ files: [null, null, null], reopen: "NotFound" });
});

// Mirrors failpoints.rs::init_failpoint_after_coordinator_init_leaves_completed_store_intact
// (#502, `426c7b96`)
test("with fix502 a failure after the graph committed leaves it intact: it opens and takes a write", async () => {
  const r = await failAfterCommit({ ...PROFILES.seed, fix502: true });
  expect(r).toEqual({ files: ["present", "present", "present"], reopen: "ok" });
});

// Mirrors lifecycle.rs::init_on_existing_graph_uri_does_not_destroy_existing_schema
test("init on an existing graph fails before touching its schema files", async () => {
  await inWorld(async (w) => {
    await startProcess(w, "first").init();
    const before = await schemaFiles(w);
    await rejects(Omnigraph.init(startProcess(w, "again").env, "node Other { id: String @key }\n"), "AlreadyInitialized");
    expect(await schemaFiles(w)).toEqual(before);
  });
});

/** Init crashes right after the `__manifest` Create commit; then a new process opens and writes. */
async function crashAfterCreate(fixes: Fixes) {
  let out: { manifest: number; reopen: string } = { manifest: 0, reopen: "" };
  await inWorld(
    async (w) => {
      const init = startProcess(w, "init");
      w.failpoints.set(FP.INIT_POST_MANIFEST_CREATE, { kind: "crash" });
      const initializing = init.spawn("init", () => init.init(CARDINALITY_SCHEMA));
      await w.join(initializing);
      const manifest = await w.storage.manifest.latestVersion(null);
      const reopened = await tryOpen(w, "reopen");
      if (typeof reopened !== "string") {
        await reopened.mutate([person("torn-init-survivor", 1)]);
        expect(await publishedIds(w, PERSON)).toEqual(["torn-init-survivor"]);
      }
      out = { manifest, reopen: typeof reopened === "string" ? reopened : "ok" };
    },
    { fixes },
  );
  return out;
}

// Mirrors failpoints.rs::init_crash_after_manifest_create_leaves_openable_store (#487, `4ea14450`)
test("a crash right after the manifest's Create: the seed migrates the unstamped manifest, #311 refuses it, #487 never leaves it", async () => {
  expect(await crashAfterCreate(PROFILES.seed)).toEqual({ manifest: 1, reopen: "ok" });
  expect(await crashAfterCreate({ ...PROFILES.seed, stampFloor311: true })).toEqual({ manifest: 1, reopen: "InternalSchemaUnsupported" });
  expect(await crashAfterCreate({ ...PROFILES.seed, stampFloor311: true, fix487: true })).toEqual({ manifest: 1, reopen: "ok" });
});

test("init leaves the manifest at v3 at the seed (Create, config, stamp) and at v1 with fix487", async () => {
  for (const [fix487, version] of [[false, 3], [true, 1]] as const) {
    await inWorld(
      async (w) => {
        await startProcess(w, "init").init();
        expect(await w.storage.manifest.latestVersion(null)).toBe(version);
      },
      { fixes: { ...PROFILES.seed, fix487 } },
    );
  }
});

/**
 * Init dies (its process crashes) right after writing `_schema.pg`; `wait` ms later a new process
 * opens, then inits. What each of them got, and whether the new graph takes a write.
 */
async function deadInitThenRetry(fixes: Fixes, wait: number, plant?: (w: World) => Promise<void>) {
  let out = { reopen: "", reinit: "", write: "" };
  await inWorld(
    async (w) => {
      const init = startProcess(w, "init");
      w.failpoints.set(FP.INIT_AFTER_SCHEMA_PG_WRITTEN, { kind: "crash" });
      await w.join(init.spawn("init", () => init.init(CARDINALITY_SCHEMA)));
      w.failpoints.set(FP.INIT_AFTER_SCHEMA_PG_WRITTEN, { kind: "off" });
      await plant?.(w);
      await w.sleep(wait);
      const reopened = await tryOpen(w, "reopen");
      let reinit: Omnigraph | string;
      try {
        reinit = await startProcess(w, "again").init();
      } catch (e) {
        reinit = (e as { kind?: string }).kind ?? String(e);
      }
      let write = "-";
      if (typeof reinit !== "string") {
        await reinit.mutate([person("after-takeover", 1)]);
        write = (await publishedIds(w, PERSON)).join(",");
      }
      out = { reopen: typeof reopened === "string" ? reopened : "ok", reinit: typeof reinit === "string" ? reinit : "ok", write };
    },
    { fixes },
  );
  return out;
}

// F9: a dead init bricks its root at the seed and at 62a9c3fe; initTakeover takes it over once the
// claim's lease ran out, and never a live claim's root or one whose datasets exist.
test("a dead init's root: refused at the seed and upstream; taken over with initTakeover once its claim's lease ran out", async () => {
  const LATER = 30_001;
  expect(await deadInitThenRetry(PROFILES.seed, LATER)).toEqual({ reopen: "NotFound", reinit: "AlreadyInitialized", write: "-" });
  expect(await deadInitThenRetry(PROFILES.upstream, LATER)).toEqual({ reopen: "StorageFailure", reinit: "AlreadyInitialized", write: "-" });
  expect(await deadInitThenRetry(PROFILES.fixed, LATER)).toEqual({ reopen: "StorageFailure", reinit: "ok", write: "after-takeover" });
  // A claim whose lease still runs may belong to a live init: refused.
  expect(await deadInitThenRetry(PROFILES.fixed, 0)).toMatchObject({ reinit: "AlreadyInitialized" });
  // Datasets of the graph exist (the dead init had begun its physical phase): refused.
  const plantDataset = async (w: World) => {
    await w.storage.datasets.create(tablePathForTableKey(PERSON));
  };
  expect(await deadInitThenRetry(PROFILES.fixed, LATER, plantDataset)).toMatchObject({ reinit: "AlreadyInitialized" });
});

// Mirrors failpoints.rs::init_table_create_lost_ack_preserves_claim_and_schema (#502,
// `426c7b96`; at 62a9c3fe line 10456): a table Create whose acknowledgement is lost leaves init's
// outcome unknown. It fails `InitializationIndeterminate` and keeps its schema files and its
// claim; the table is durable, the manifest absent. The seed has no such failpoint.
test("with fix502 a lost table-Create acknowledgement keeps the claim and the schema files", async () => {
  await inWorld(
    async (w) => {
      w.failpoints.set(FP.INIT_TABLE_CREATE_ACK_LOST, { kind: "error", times: 1 });
      const e = await rejects(startProcess(w, "init").init(), "InitializationIndeterminate");
      expect(e.details.source).toBe("InjectedFailure");
      expect(e.message).toContain(FP.INIT_TABLE_CREATE_ACK_LOST);
      expect(Object.values(await schemaFiles(w)).every((f) => f !== null)).toBe(true);
      expect(await w.storage.objects.exists("__init_claim.json")).toBe(true);
      // The injected error follows a real durable table Create (the first of the catalog's).
      const tables = catalogTableKeys(compileSchema(CARDINALITY_SCHEMA));
      const durable: boolean[] = [];
      for (const t of tables) durable.push(await w.storage.datasets.exists(tablePathForTableKey(t)));
      expect(durable.filter(Boolean)).toHaveLength(1);
      expect(await w.storage.manifest.exists()).toBe(false);
    },
    { fixes: PROFILES.upstream },
  );
});
