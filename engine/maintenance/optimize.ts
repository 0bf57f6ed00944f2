// `optimize_all_tables`: compaction (ReserveFragments + Rewrite when a table has two or more
// fragments) and missing index builds, per table, under an Optimize sidecar, then a publish;
// the tables concurrently (up to 8); then the internal tables (`compact-internal.ts`). Two versions
// of `optimize_one_table`, chosen in one place by `fix297`:
// - before #297: one attempt; a Lance conflict fails it, and the publish expects the manifest
//   to still equal the pin it started from, so a concurrent writer's publish fails it (B3);
// - with #297: an outer loop that reopens and re-plans on retryable Lance conflicts, a
//   `head_advanced` guard so its own commits are not mistaken for drift, and a monotonic
//   fast-forward publish that only moves the pin up.
import { ensureSchemaState } from "../handle/schema-guard.ts";
import { FP } from "../../failpoints/catalog.ts";
import type { Env } from "../env.ts";
import { headBehindManifest, isOmniError, OmniError } from "../errors.ts";
import { maybeFail } from "../failpoint.ts";
import type { Handle } from "../handle/handle.ts";
import { datasetUri } from "../manifest/layout.ts";
import { readSnapshot } from "../manifest/coordinator.ts";
import { deleteSidecarBestEffort, listSidecars, newSidecar, writeSidecar } from "../recovery/sidecar.ts";
import { catalogTableKeys } from "../schema/catalog.ts";
import { requiredIndices } from "../schema/indices.ts";
import { validateSchemaState } from "../schema-state/contract-files.ts";
import { isRetryableLanceConflict } from "../storage/errors.ts";
import type { DatasetPath, TableKey, Version } from "../storage/types.ts";
import { type CommitSection, enterCommitSection, maintenancePublishOptions, sidecarOwner } from "../handle/commit-section.ts";
import { buildMissingIndices } from "../write/publish.ts";
import { ensureSchemaApplyIdle } from "./schema-apply-lock.ts";
import { compactInternalTables } from "./compact-internal.ts";
import { concurrently } from "../sync/concurrently.ts";
import { fix297 } from "./fix297.ts";
import { optimizeMergeGate } from "./optimize-merge-gate.ts";
import { pinBeforeHead } from "./pin-before-head.ts";

export const COMPACTION_RETRY_BUDGET = 5;

export interface TableOptimizeStats {
  readonly tableKey: TableKey;
  /** Whether the table's pin moved (compaction or index commits published). */
  readonly committed: boolean;
  /** Skipped because Lance HEAD was ahead of the manifest. */
  readonly skippedForDrift: boolean;
}

export async function optimize(h: Handle): Promise<TableOptimizeStats[]> {
  const env = h.env;
  await ensureSchemaState(env, h.coordinator, h.id);
  await ensureSchemaApplyIdle(h, "optimize");
  const pending = await listSidecars(env);
  if (pending.length > 0) {
    throw new OmniError(
      "RecoveryRequired",
      { sidecars: pending.length },
      "optimize requires a clean recovery state; reopen the graph to run the recovery sweep before optimizing",
    );
  }
  await ensureSchemaState(env, h.coordinator, h.id);
  const snapshot = await readSnapshot(env, null);
  const one = fix297(env) ? optimizeTableFixed : optimizeTableBefore297;
  const jobs = catalogTableKeys(h.catalog).flatMap((tableKey) => {
    const entry = snapshot.entry(tableKey);
    return entry ? [() => one(h, tableKey, entry.path)] : [];
  });
  // The tables run concurrently (`buffer_unordered`), up to the maintenance concurrency.
  const gate = await optimizeMergeGate(h);
  let outcomes;
  try {
    outcomes = await concurrently(env, "optimize table", MAINTENANCE_CONCURRENCY, jobs);
  } finally {
    gate();
  }
  // The internal tables are compacted even when a data table failed; then the first failure.
  await compactInternalTables(h);
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) throw failed.error;
  return outcomes.map((o) => (o.ok ? o.value : unreachable()));
}

/** `DEFAULT_MAINT_CONCURRENCY`: tables optimized at once. */
export const MAINTENANCE_CONCURRENCY = 8;

function unreachable(): never {
  throw new Error("a failed table outcome after the failures were thrown");
}

interface Plan {
  readonly head: Version;
  readonly willCompact: boolean;
  readonly needsIndex: boolean;
}

async function plan(h: Handle, tableKey: TableKey, path: DatasetPath): Promise<Plan> {
  const head = await h.env.storage.datasets.latestVersion(path, null);
  const content = await h.env.storage.datasets.checkout(path, null, head);
  const needsIndex = content.rows.length > 0 && requiredIndices(h.catalog, tableKey).some((s) => !content.indices.includes(s.name));
  return { head, willCompact: content.fragments >= 2, needsIndex };
}

async function freshPin(env: Env, tableKey: TableKey): Promise<Version> {
  await validateSchemaState(env);
  return (await readSnapshot(env, null)).pinned(tableKey);
}

/**
 * The plan (at Lance HEAD) and the CAS baseline (the fresh manifest pin). Upstream opens HEAD
 * and then reads the pin, so a write published between the two reads makes HEAD look behind
 * the pin; `pinBeforeHead` reads the pin first.
 */
async function planAndPin(h: Handle, tableKey: TableKey, path: DatasetPath): Promise<{ p: Plan; expected: Version }> {
  if (pinBeforeHead(h.env)) {
    const expected = await freshPin(h.env, tableKey);
    return { expected, p: await plan(h, tableKey, path) };
  }
  const p = await plan(h, tableKey, path);
  return { p, expected: await freshPin(h.env, tableKey) };
}

const skipped = (tableKey: TableKey): TableOptimizeStats => ({ tableKey, committed: false, skippedForDrift: true });
const unchanged = (tableKey: TableKey): TableOptimizeStats => ({ tableKey, committed: false, skippedForDrift: false });

async function writeOptimizeSidecar(h: Handle, section: CommitSection, tableKey: TableKey, path: DatasetPath, expected: Version): Promise<string> {
  const sidecar = newSidecar(h.env, {
    kind: "Optimize",
    branch: null,
    actorId: null,
    ...sidecarOwner(h.env, section),
    tables: [{ table_key: tableKey, table_path: datasetUri(h.env.root, path), expected_version: expected, post_commit_pin: (expected + 1) as Version }],
  });
  await writeSidecar(h.env, sidecar);
  return sidecar.operation_id;
}

function lanceConflict(tableKey: TableKey, e: unknown): OmniError {
  return new OmniError(
    "LanceCommitConflict",
    { tableKey, retryable: isRetryableLanceConflict(e) },
    `optimize of ${tableKey} failed: ${(e as Error).message}`,
    { cause: e },
  );
}

/** The pre-#297 shape (upstream `2d22481c`): one attempt and an equality publish. */
async function optimizeTableBefore297(h: Handle, tableKey: TableKey, path: DatasetPath): Promise<TableOptimizeStats> {
  const env = h.env;
  const section = await enterCommitSection(h, null, [{ key: tableKey, branch: null }]);
  try {
    const { p, expected } = await planAndPin(h, tableKey, path);
    if (p.head < expected) throw headBehindManifest(tableKey, p.head, expected);
    if (p.head > expected) return skipped(tableKey);
    if (!p.willCompact && !p.needsIndex) return unchanged(tableKey);
    const sidecarId = await writeOptimizeSidecar(h, section, tableKey, path, expected);
    await maybeFail(env, FP.OPTIMIZE_BEFORE_COMPACT);
    let head = p.head;
    if (p.willCompact) {
      try {
        head = (await env.storage.datasets.commit(path, null, p.head, { op: "Rewrite" })).version;
      } catch (e) {
        if (isRetryableLanceConflict(e)) throw lanceConflict(tableKey, e);
        throw e;
      }
    }
    await maybeFail(env, FP.OPTIMIZE_INJECT_REINDEX_CONFLICT);
    head = await buildMissingIndices(env, h.catalog, tableKey, path, null, head);
    await maybeFail(env, FP.OPTIMIZE_POST_PHASE_B_PRE_MANIFEST_COMMIT);
    const rowCount = (await env.storage.datasets.checkout(path, null, head)).rows.length;
    await h.coordinator.commit([{ kind: "update", tableKey, version: head, branch: null, rowCount }], new Map([[tableKey, expected]]), null, maintenancePublishOptions(h, section));
    await deleteSidecarBestEffort(env, sidecarId);
    return { tableKey, committed: true, skippedForDrift: false };
  } finally {
    await section.exit();
  }
}

/** With #297 (upstream `b5a898b9`, `56d004e0`, `e9d16a2c`). */
async function optimizeTableFixed(h: Handle, tableKey: TableKey, path: DatasetPath): Promise<TableOptimizeStats> {
  const env = h.env;
  const section = await enterCommitSection(h, null, [{ key: tableKey, branch: null }]);
  let sidecarId: string | null = null;
  try {
    let headAdvanced = false;
    let head: Version | null = null;
    for (let attempt = 1; head === null; attempt++) {
      const { p, expected } = await planAndPin(h, tableKey, path);
      if (p.head < expected) throw headBehindManifest(tableKey, p.head, expected);
      if (!headAdvanced && p.head > expected) {
        if (sidecarId) await deleteSidecarBestEffort(env, sidecarId);
        return skipped(tableKey);
      }
      if (!p.willCompact && !p.needsIndex) {
        if (headAdvanced) {
          head = p.head;
          break;
        }
        if (sidecarId) await deleteSidecarBestEffort(env, sidecarId);
        return unchanged(tableKey);
      }
      sidecarId ??= await writeOptimizeSidecar(h, section, tableKey, path, expected);
      await maybeFail(env, FP.OPTIMIZE_BEFORE_COMPACT);
      let at = p.head;
      if (p.willCompact) {
        try {
          at = (await env.storage.datasets.commit(path, null, p.head, { op: "Rewrite" })).version;
          headAdvanced = true;
        } catch (e) {
          if (isRetryableLanceConflict(e) && attempt < COMPACTION_RETRY_BUDGET) continue;
          if (isRetryableLanceConflict(e)) throw lanceConflict(tableKey, e);
          throw e;
        }
      }
      try {
        await maybeFail(env, FP.OPTIMIZE_INJECT_REINDEX_CONFLICT);
      } catch (e) {
        if (isOmniError(e, "InjectedFailure") && attempt < COMPACTION_RETRY_BUDGET) continue;
        throw e;
      }
      const after = await buildMissingIndices(env, h.catalog, tableKey, path, null, at);
      headAdvanced ||= after !== p.head;
      head = after;
    }
    await maybeFail(env, FP.OPTIMIZE_POST_PHASE_B_PRE_MANIFEST_COMMIT);
    await publishMonotonic(h, section, tableKey, path, head);
    if (sidecarId) await deleteSidecarBestEffort(env, sidecarId);
    return { tableKey, committed: true, skippedForDrift: false };
  } finally {
    await section.exit();
  }
}

/** The monotonic fast-forward: publish `target` only while the pin is below it. */
async function publishMonotonic(h: Handle, section: CommitSection, tableKey: TableKey, path: DatasetPath, target: Version): Promise<void> {
  const env = h.env;
  const rowCount = (await env.storage.datasets.checkout(path, null, target)).rows.length;
  let lastConflict: unknown = null;
  for (let i = 0; i < COMPACTION_RETRY_BUDGET; i++) {
    const current = await freshPin(env, tableKey);
    if (current >= target) return;
    try {
      await h.coordinator.commit([{ kind: "update", tableKey, version: target, branch: null, rowCount }], new Map([[tableKey, current]]), null, maintenancePublishOptions(h, section));
      return;
    } catch (e) {
      if (!(e instanceof OmniError) || e.manifestKind !== "Conflict") throw e;
      lastConflict = e;
    }
  }
  if ((await freshPin(env, tableKey)) < target) {
    throw lastConflict ?? new OmniError("PublishExhausted", { attempts: COMPACTION_RETRY_BUDGET }, `optimize publish of ${tableKey} exhausted ${COMPACTION_RETRY_BUDGET} retries against concurrent writers`);
  }
}
