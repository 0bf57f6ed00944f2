// `ensure_indices_for_branch`: build every missing index. Tables that need work are pinned in
// an EnsureIndices sidecar (Loose: any number of commits rolls forward), then each table's
// index commits land, then one publish with NO expected map, then the sidecar goes. In the
// server flake this ran detached after a schema apply and raced a fresh handle's open (B1).
import { ensureSchemaState } from "../handle/schema-guard.ts";
import { ensureIndicesBarrier, refuseUnderGates, waitSchemaGate } from "../handle/write-barrier.ts";
import { FP } from "../../failpoints/catalog.ts";
import { maybeFail } from "../failpoint.ts";
import type { Handle } from "../handle/handle.ts";
import type { ManifestChange } from "../manifest/changes.ts";
import type { Snapshot, TableEntry } from "../manifest/snapshot.ts";
import { Coordinator } from "../manifest/coordinator.ts";
import { datasetUri } from "../manifest/layout.ts";
import { deleteSidecarBestEffort, newSidecar, type SidecarTablePin, writeSidecar } from "../recovery/sidecar.ts";
import { catalogTableKeys } from "../schema/catalog.ts";
import { requiredIndices } from "../schema/indices.ts";
import type { Version } from "../storage/types.ts";
import { enterCommitSection, maintenancePublishOptions, sidecarOwner } from "../handle/commit-section.ts";
import { buildMissingIndices } from "../write/publish.ts";
import { ensureSchemaApplyIdle } from "./schema-apply-lock.ts";

export interface EnsureIndicesResult {
  readonly tablesIndexed: number;
  readonly manifestVersion: Version | null;
}

export async function ensureIndices(h: Handle): Promise<EnsureIndicesResult> {
  const env = h.env;
  // Main's coordinator, fixed for the whole run (the model renders ensureIndices on main only):
  // a merge on the same handle swaps `h.coordinator` to its target meanwhile, and planning on
  // one branch's snapshot while publishing through another's registers versions the manifest
  // already holds. (Upstream resolves the current branch once, `table_ops.rs` `ensure_indices`.)
  await ensureIndicesBarrier(h, null);
  const coordinator = h.coordinator.branch === null ? h.coordinator : await Coordinator.open(env, null, h.id);
  await ensureSchemaState(env, coordinator, h.id);
  await ensureSchemaApplyIdle(h, "ensure_indices");
  await ensureSchemaState(env, coordinator, h.id);
  const planned = await planIndexWork(h, coordinator.snapshot);
  await waitSchemaGate(h);
  const section = await enterCommitSection(h, null, planned.pins.map((p) => ({ key: p.table_key, branch: null })));
  try {
    await refuseUnderGates(env, [null], "ensure_indices");
    // Under a lease the plan is made again inside the section: a publish with no expected map
    // is only safe against the state no one else can move.
    const { tables, pins } = section.lease ? await planIndexWork(h, await coordinator.refresh()) : planned;
    let sidecarId: string | null = null;
    if (pins.length > 0) {
      const sidecar = newSidecar(env, { kind: "EnsureIndices", branch: null, actorId: null, tables: pins, ...sidecarOwner(env, section) });
      await writeSidecar(env, sidecar);
      sidecarId = sidecar.operation_id;
    }
    const changes: ManifestChange[] = [];
    for (const entry of tables) {
      const head = await env.storage.datasets.latestVersion(entry.path, null);
      const content = await env.storage.datasets.checkout(entry.path, null, head);
      const version = content.rows.length > 0 ? await buildMissingIndices(env, h.catalog, entry.tableKey, entry.path, null, head) : head;
      if (version !== entry.version) {
        changes.push({ kind: "update", tableKey: entry.tableKey, version, branch: null, rowCount: content.rows.length });
      }
    }
    await maybeFail(env, FP.ENSURE_INDICES_POST_PHASE_B_PRE_MANIFEST_COMMIT);
    const manifestVersion = changes.length > 0 ? await coordinator.commit(changes, null, null, maintenancePublishOptions(h, section)) : null;
    if (sidecarId) await deleteSidecarBestEffort(env, sidecarId);
    return { tablesIndexed: changes.length, manifestVersion };
  } finally {
    await section.exit();
  }
}

interface IndexPlan {
  readonly tables: TableEntry[];
  readonly pins: SidecarTablePin[];
}

/** The tables in `snapshot`, and a pin for each one with rows that misses a required index. */
async function planIndexWork(h: Handle, snapshot: Snapshot): Promise<IndexPlan> {
  const env = h.env;
  const tables = catalogTableKeys(h.catalog).flatMap((tableKey) => {
    const entry = snapshot.entry(tableKey);
    return entry ? [entry] : [];
  });
  const pins: SidecarTablePin[] = [];
  for (const entry of tables) {
    // `needs_index_work_*`: a table with rows that misses a required index.
    const head = await env.storage.datasets.latestVersion(entry.path, null);
    const content = await env.storage.datasets.checkout(entry.path, null, head);
    const missing = requiredIndices(h.catalog, entry.tableKey).some((s) => !content.indices.includes(s.name));
    if (content.rows.length > 0 && missing) {
      pins.push({
        table_key: entry.tableKey,
        table_path: datasetUri(env.root, entry.path),
        expected_version: entry.version,
        post_commit_pin: (entry.version + 1) as Version,
      });
    }
  }
  return { tables, pins };
}
