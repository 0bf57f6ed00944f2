// Schema apply (engine-model section 5): under the lock branch, one SchemaApply sidecar, one
// dataset commit per rewritten table (added tables created, renamed ones written whole at their
// new path), the three staging files, ONE publish with no expected map, the renames that
// promote the staging files, the sidecar delete, hard-drop version cleanup, the lock release
// and, on the server's handle at the seed, a detached `ensureIndices`.
import { manifestBranchNames } from "../manifest/branch-list.ts";
import { FP } from "../../failpoints/catalog.ts";
import { OmniError } from "../errors.ts";
import { maybeFail } from "../failpoint.ts";
import type { Handle } from "../handle/handle.ts";
import { healHandle } from "../handle/heal.ts";
import { ensureIndices } from "../maintenance/ensure-indices.ts";
import type { ManifestChange } from "../manifest/changes.ts";
import { datasetUri, SCHEMA_APPLY_LOCK_BRANCH } from "../manifest/layout.ts";
import { schemaApplyLocked } from "../manifest/schema-apply-lock.ts";
import { confirmSchemaApplyPublished, deleteSidecarBestEffort, newSidecar, type RecoverySidecar, type SidecarRegistration, type SidecarTablePin, type SidecarTombstone, writeSidecar } from "../recovery/sidecar.ts";
import { bucketSchemaSteps, UnsupportedSchemaChangeError } from "../schema/buckets.ts";
import { lookupTable, tablePathForTableKey, type Catalog } from "../schema/catalog.ts";
import { compileSchema } from "../schema/catalog-builder.ts";
import { SchemaParseError } from "../schema/errors.ts";
import { planSchemaApply } from "../schema/plan.ts";
import { projectRows } from "../schema/project.ts";
import type { SchemaStep } from "../schema/steps.ts";
import { promoteStaging, validateSchemaState, writeSchemaContractStaging } from "../schema-state/contract-files.ts";
import { SCHEMA_APPLY_SERIAL_KEY, type QueueKey } from "../sync/write-queue.ts";
import { isStorageError } from "../storage/errors.ts";
import type { DatasetPath, TableKey, Version } from "../storage/types.ts";
import { leaseGuardsCommits } from "../lease/owner-lease.ts";
import { bumpingPublishOptions, type CommitSection, enterCommitSection, logicalPublishOptions, sidecarOwner } from "../handle/commit-section.ts";
import { readSetToken } from "../handle/read-set-token.ts";
import type { ExpectedVersions } from "../manifest/changes.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import { commitTable } from "../write/commit-table.ts";
import { requireHead } from "../write/open-table.ts";
import { noDetachedEnsureIndices } from "./no-detached-ensure-indices.ts";
import { fix346 } from "../recovery/fix346.ts";
import { schemaIrHash } from "../schema/ir.ts";

export interface SchemaApplyOptions {
  /** Turns every soft drop into a hard one (old versions are cleaned up after the publish). */
  readonly allowDataLoss?: boolean;
}

export interface SchemaApplyResult {
  readonly applied: boolean;
  readonly manifestVersion: Version;
  readonly steps: readonly SchemaStep[];
}

export async function applySchema(h: Handle, source: string, options: SchemaApplyOptions = {}): Promise<SchemaApplyResult> {
  await healHandle(h);
  // Under a lease, the lock branch is taken inside the section, so a lease holder that finds a
  // lock knows its apply died. With queues, upstream takes them after planning (below).
  const outer = leaseGuardsCommits(h.env) ? await enterCommitSection(h, null, []) : null;
  let result: SchemaApplyResult | undefined;
  try {
    const accepted = await acquireLock(h);
    let failed: { readonly error: unknown } | null = null;
    try {
      result = await applyWithLock(h, accepted, source, options, outer);
    } catch (error) {
      failed = { error };
    }
    // Upstream releases the lock after the apply either way and reports the apply's own error
    // over the release's (`match (result, release_result)`, schema_apply.rs:244-250 at
    // 62a9c3fe): a release that fails because a successor's recovery already cleared the lock
    // must not hide why the apply failed.
    try {
      await releaseLock(h);
    } catch (error) {
      if (failed === null) throw error;
    }
    if (failed !== null) throw failed.error;
    if (result === undefined) throw new Error("schema apply returned nothing");
  } finally {
    await outer?.exit();
  }
  // The seed's server handler spawned `ensure_indices()` after every apply (RFC-022 removed it).
  if (result.applied && h.served && !noDetachedEnsureIndices(h.env)) {
    h.env.world.spawn("ensure_indices (detached)", () => ensureIndices(h));
  }
  return result;
}

/**
 * Takes the schema-apply lock; returns the accepted schema it validated on the way in, what the
 * apply plans from. Upstream reads it again just after the lock is taken; the model keeps the
 * read before it (docs/fidelity.md).
 */
async function acquireLock(h: Handle): Promise<Catalog> {
  const env = h.env;
  const accepted = await validateSchemaState(env);
  await h.coordinator.refresh();
  if (await schemaApplyLocked(env)) {
    throw new OmniError("SchemaApplyLocked", { branch: SCHEMA_APPLY_LOCK_BRANCH }, "schema apply is already in progress");
  }
  await env.storage.manifest.createBranch(SCHEMA_APPLY_LOCK_BRANCH, null);
  try {
    await maybeFail(env, FP.BRANCH_CREATE_AFTER_MANIFEST_BRANCH_CREATE);
  } catch (e) {
    // `branch_create` rolls the manifest branch back when the step after it fails, so the
    // branch never half-exists (a leftover lock branch would block every later write).
    await env.storage.manifest.deleteBranch(SCHEMA_APPLY_LOCK_BRANCH);
    throw e;
  }
  await h.coordinator.refresh();
  const blocking = (await manifestBranchNames(env)).filter((b) => b !== SCHEMA_APPLY_LOCK_BRANCH);
  if (blocking.length > 0) {
    await releaseLock(h);
    throw new OmniError("SchemaApplyLocked", { branch: blocking[0]! }, `schema apply requires a graph with only main; found non-main branches: ${blocking.join(", ")}`);
  }
  return accepted;
}

async function releaseLock(h: Handle): Promise<void> {
  await h.env.storage.manifest.deleteBranch(SCHEMA_APPLY_LOCK_BRANCH);
  await h.coordinator.refresh();
}

function compileDesired(source: string): Catalog {
  try {
    return compileSchema(source);
  } catch (e) {
    if (e instanceof SchemaParseError) throw new OmniError("UnsupportedSchemaChange", { reason: e.message }, `desired schema does not compile: ${e.message}`);
    throw e;
  }
}

async function applyWithLock(h: Handle, accepted: Catalog, source: string, options: SchemaApplyOptions, outer: CommitSection | null): Promise<SchemaApplyResult> {
  const env = h.env;
  const desired = compileDesired(source);
  // The plan starts from the accepted schema as the store holds it, never from the handle's
  // catalog, which lags an apply another handle made (upstream plans from the accepted IR it
  // reads: `read_accepted_schema_ir` at the seed, `load_validated_schema_contract` at 62a9c3fe,
  // schema_apply.rs).
  const steps = planSchemaApply(accepted, desired, { allowDataLoss: options.allowDataLoss ?? false });
  const snapshot = h.coordinator.snapshot;
  if (steps.length === 0) return { applied: false, manifestVersion: snapshot.version, steps };
  let buckets;
  try {
    buckets = bucketSchemaSteps(steps);
  } catch (e) {
    if (e instanceof UnsupportedSchemaChangeError) throw new OmniError("UnsupportedSchemaChange", { reason: e.message }, e.message);
    throw e;
  }
  const entryOf = (tableKey: TableKey) => {
    const entry = snapshot.entry(tableKey);
    if (!entry) throw new OmniError("TableNotFound", { tableKey }, `missing table '${tableKey}' for schema apply`);
    return entry;
  };
  const pins: SidecarTablePin[] = buckets.rewrittenTables.flatMap((tableKey) => {
    const entry = snapshot.entry(tableKey);
    return entry
      ? [{ table_key: tableKey, table_path: datasetUri(env.root, entry.path), expected_version: entry.version, post_commit_pin: (entry.version + 1) as Version }]
      : [];
  });
  const registrations: SidecarRegistration[] = [...buckets.addedTables, ...buckets.renamedTables.keys()].map((tableKey) => ({
    table_key: tableKey,
    table_path: tablePathForTableKey(tableKey),
    table_branch: null,
  }));
  const tombstones: SidecarTombstone[] = [...buckets.renamedTables.values(), ...buckets.droppedTables].map((tableKey) => ({
    table_key: tableKey,
    tombstone_version: (entryOf(tableKey).version + 1) as Version,
  }));
  // With `fix346` every non-empty migration writes a sidecar, an index-only one (no table work)
  // too: without it, a crash between its `_schema.pg` rename and the others' reads, to recovery,
  // as a no-op apply's leftovers (the staging `_schema.pg` equals the live one), which it deletes,
  // leaving the old IR beside the new source (upstream `905a27c4`, schema_apply.rs: "Every
  // non-empty migration writes a sidecar, including table-effect-free index/enum/metadata
  // changes").
  const writesSidecar = fix346(env) || pins.length + registrations.length + tombstones.length > 0;
  const keys: QueueKey[] = pins.map((p) => ({ key: p.table_key, branch: null }));
  if (writesSidecar) keys.push(SCHEMA_APPLY_SERIAL_KEY);
  const section = outer ?? (await enterCommitSection(h, null, keys));
  try {
    let sidecar: RecoverySidecar | null = null;
    if (writesSidecar) {
      // `fix346`: the sidecar names its target schema identity, so recovery can tell a promoted apply.
      const target = fix346(env) ? { targetSchemaIrHash: schemaIrHash(desired) } : {};
      sidecar = newSidecar(env, { kind: "SchemaApply", branch: null, actorId: null, tables: pins, registrations, tombstones, ...sidecarOwner(env, section), ...target });
      await writeSidecar(env, sidecar);
    }
    const changes: ManifestChange[] = [];
    const addUpdate = async (tableKey: TableKey, path: DatasetPath, version: Version) => {
      const rowCount = (await env.storage.datasets.checkout(path, null, version)).rows.length;
      changes.push({ kind: "update", tableKey, version, branch: null, rowCount });
    };
    for (const tableKey of buckets.addedTables) {
      const path = tablePathForTableKey(tableKey);
      changes.push({ kind: "register", tableKey, path });
      await addUpdate(tableKey, path, await env.storage.datasets.create(path));
    }
    for (const [target, sourceKey] of buckets.renamedTables) {
      const entry = entryOf(sourceKey);
      await requireHead(env, sourceKey, entry.path, null, entry.version);
      const rows = (await env.storage.datasets.checkout(entry.path, null, entry.version)).rows;
      const path = tablePathForTableKey(target);
      const projected = projectRows(rows, lookupTable(desired, target)!, buckets.propertyRenames.get(target));
      // `TableStore::write_dataset`: the renamed table is created holding its rows, one version.
      const v = await env.storage.datasets.create(path, projected);
      changes.push({ kind: "register", tableKey: target, path });
      await addUpdate(target, path, v);
    }
    for (const tableKey of buckets.rewrittenTables) {
      const entry = entryOf(tableKey);
      await requireHead(env, tableKey, entry.path, null, entry.version);
      const rows = (await env.storage.datasets.checkout(entry.path, null, entry.version)).rows;
      const projected = projectRows(rows, lookupTable(desired, tableKey)!, buckets.propertyRenames.get(tableKey));
      const head = await env.storage.datasets.latestVersion(entry.path, null);
      const v = (await commitTable(env, tableKey, entry.path, null, head, { op: "Overwrite", rows: projected })).version;
      await addUpdate(tableKey, entry.path, v);
    }
    for (const t of tombstones) changes.push({ kind: "tombstone", tableKey: t.table_key, version: t.tombstone_version });
    requireMainUnmoved(env, snapshot, await h.coordinator.refresh());
    await maybeFail(env, FP.SCHEMA_APPLY_BEFORE_STAGING_WRITE);
    await writeSchemaContractStaging(env, source);
    await maybeFail(env, FP.SCHEMA_APPLY_AFTER_STAGING_WRITE);
    const manifestVersion = await publishApply(h, section, snapshot, changes, pins, registrations, tombstones);
    // `fix346` (#346): Phase C is confirmed in the sidecar before the staging files are promoted.
    if (sidecar && fix346(env)) await confirmSchemaApplyPublished(env, sidecar);
    await maybeFail(env, FP.SCHEMA_APPLY_AFTER_MANIFEST_COMMIT);
    await promoteStaging(env);
    h.catalog = desired;
    h.schemaSource = source;
    await h.coordinator.refresh();
    if (sidecar) await deleteSidecarBestEffort(env, sidecar.operation_id);
    for (const tableKey of buckets.hardCleanupTargets) {
      const entry = snapshot.entry(tableKey);
      if (!entry) continue;
      try {
        await env.storage.datasets.cleanup(entry.path, null);
      } catch (e) {
        if (!(e instanceof OmniError) && !isStorageError(e)) throw e;
      }
    }
    return { applied: true, manifestVersion, steps };
  } finally {
    if (!outer) await section.exit();
  }
}

/**
 * Main must not have moved since the apply's snapshot. At the seed that is its manifest version
 * (schema_apply.rs:634-641 at `7d3a52d6`), so a content-preserving `__manifest` compaction by
 * another process's optimize refuses the apply too. By `62a9c3fe` it is main's graph head (with
 * its branch identifier and the schema identity, schema_apply.rs:704-751), which only a logical
 * publish moves; under `readSetToken` the model compares its head token, as its publish expects.
 */
function requireMainUnmoved(env: Handle["env"], snapshot: Snapshot, current: Snapshot): void {
  if (readSetToken(env)) {
    if (current.headToken !== snapshot.headToken) {
      throw new OmniError("ReadSetChanged", { attempts: 0, beforeEffect: false }, `schema apply's read set changed: main's graph head moved from ${snapshot.headToken} to ${current.headToken}`);
    }
    return;
  }
  if (current.version !== snapshot.version) {
    throw new OmniError(
      "SchemaApplyLeaseLost",
      { baseVersion: snapshot.version, currentVersion: current.version },
      `schema apply lost its write lease: main advanced from v${snapshot.version} to v${current.version} while schema apply was in progress`,
    );
  }
}

/**
 * The apply's one publish. At the seed it expects nothing (schema_apply.rs:661-670 at
 * `7d3a52d6`, `commit_changes_with_actor`): only the version check before the staging writes
 * guards it, so a publish landing after that check is published over. By `62a9c3fe` it is
 * conditional (schema_apply.rs:994-1133): `ExactGraphHead` of the head the apply captured with
 * its snapshot, and each touched table expected at its snapshot pin (an added or renamed-to
 * table at 0, absent). Under `readSetToken` the model does the same, so a publish in that window
 * refuses the apply (`ReadSetChanged`) and leaves its sidecar to recovery, as upstream's
 * `recovery_required` does. An apply with no table change publishes nothing here (docs/fidelity.md).
 */
async function publishApply(
  h: Handle,
  section: CommitSection,
  snapshot: Snapshot,
  changes: readonly ManifestChange[],
  pins: readonly SidecarTablePin[],
  registrations: readonly SidecarRegistration[],
  tombstones: readonly SidecarTombstone[],
): Promise<Version> {
  if (!readSetToken(h.env) || changes.length === 0) return h.coordinator.commit(changes, null, null, bumpingPublishOptions(h.env, section.lease));
  const expected = new Map<TableKey, Version>();
  for (const r of registrations) expected.set(r.table_key, 0 as Version);
  for (const p of pins) expected.set(p.table_key, p.expected_version);
  for (const t of tombstones) expected.set(t.table_key, (t.tombstone_version - 1) as Version);
  return h.coordinator.commit(changes, expected as ExpectedVersions, null, logicalPublishOptions(h, section, snapshot.headToken));
}
