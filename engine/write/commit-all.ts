// `stage_all` + `StagedMutation::commit_all` (engine-model section 3.1 step 9): inside the
// commit section (the write queues, or the branch lease under `ownerLease`), a fresh manifest
// re-read, the strict check, the drift guard and the non-strict rebase; then the sidecar
// (Phase A); then the dataset commits (Phase B). The caller publishes (Phase C) while still
// inside the section, then deletes the sidecar (Phase D).
import { OmniError, expectedVersionMismatch, headBehindManifest } from "../errors.ts";
import type { Handle } from "../handle/handle.ts";
import { datasetUri } from "../manifest/layout.ts";
import { readSnapshot } from "../manifest/coordinator.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import { listSidecars, newSidecar, type RecoverySidecar, type SidecarKind, type SidecarTablePin, writeSidecar } from "../recovery/sidecar.ts";
import type { QueueKey } from "../sync/write-queue.ts";
import { commitTable } from "./commit-table.ts";
import { type CommitSection, enterCommitSection, type HeldQueues, sidecarOwner } from "../handle/commit-section.ts";
import { ownedDriftRefused, refuseUnderGates, waitSchemaGate } from "../handle/write-barrier.ts";
import type { Branch, DatasetPath, Row, TableKey, TxnDelta, Version } from "../storage/types.ts";
import { isStrict } from "./ops.ts";
import type { MutationStaging, PendingTable } from "./staging.ts";
import type { WriteTxn } from "./txn.ts";
import { ensureExpectedVersion, movedOnlyByMaintenance } from "./open-table.ts";
import { isStorageError } from "../storage/errors.ts";
import { readSetToken } from "../handle/read-set-token.ts";
import { plannedTransaction, requireExactCommit } from "../recovery/exact-commit.ts";
import { capturedAuthority } from "../recovery/captured-authority.ts";
import { revalidateWriteSchema } from "./schema-revalidation.ts";

/** One table's staged transaction: built on `readVersion`, committed in Phase B. */
interface StagedTable {
  readonly tableKey: TableKey;
  readonly path: DatasetPath;
  /** The Lance ref it commits on (null: main). */
  readonly ref: Branch;
  expected: Version;
  /** The version its transaction is planned on (moved to HEAD when it is planned again). */
  readVersion: Version;
  readonly delta: TxnDelta;
}

export interface TableUpdate {
  readonly tableKey: TableKey;
  /** The Lance ref the version is on (null: main), what the manifest records as its branch. */
  readonly ref: Branch;
  readonly version: Version;
  readonly rowCount: number;
}

export interface CommittedMutation {
  readonly updates: TableUpdate[];
  readonly expected: Map<TableKey, Version>;
  readonly sidecarId: string | null;
  /** The fresh snapshot the commit was validated against (its head token for the publish). */
  readonly validatedAt: Snapshot;
  /** The commit section; the caller holds it across the publish and the sidecar delete. */
  readonly section: CommitSection;
}

function deltaOf(t: PendingTable): TxnDelta {
  switch (t.mode) {
    case "Append":
      return { op: "Append", rows: t.rows };
    case "Overwrite":
      return { op: "Overwrite", rows: t.rows };
    case "Merge": {
      // Dedupe by id, last wins (merge-insert needs unique source keys), then stage the
      // merge-insert at the table's staged version and commit it once (`stage_merge_insert`,
      // `commit_staged`): a Lance Update, never re-executed.
      const byId = new Map<string, Row>();
      for (const r of t.rows) byId.set(r.id, r);
      return { op: "StagedMergeInsert", rows: [...byId.values()] };
    }
    case "Delete":
      return { op: "Delete", where: { anyOf: t.deletes } };
  }
}

/** `stage_all`: reopen each pending table (strict kinds must still be at their pin). */
async function stageAll(h: Handle, staging: MutationStaging): Promise<StagedTable[]> {
  const staged: StagedTable[] = [];
  for (const [tableKey, table] of staging.pending) {
    const path = staging.paths.get(tableKey)!;
    const ref = staging.refOf(tableKey);
    const expected = staging.expected.get(tableKey)!;
    const kind = staging.opKinds.get(tableKey)!;
    const head = await h.env.storage.datasets.latestVersion(path, ref);
    const strictExpected = isStrict(kind) ? await ensureExpectedVersion(h.env, tableKey, path, ref, head, expected) : expected;
    if (table.rows.length === 0 && table.deletes.length === 0) continue;
    staged.push({ tableKey, path, ref, expected: strictExpected, readVersion: head, delta: deltaOf(table) });
  }
  return staged;
}

export async function commitAll(
  h: Handle,
  txn: WriteTxn,
  staging: MutationStaging,
  kind: SidecarKind,
  actor: string | null,
  /** Queues the fork path took up front and holds through the publish. */
  held: HeldQueues | null = null,
): Promise<CommittedMutation> {
  const env = h.env;
  let staged: StagedTable[];
  try {
    staged = await stageAll(h, staging);
  } catch (e) {
    held?.release();
    throw e;
  }
  const keys: QueueKey[] = [...staged.map((s) => s.tableKey), ...staging.inline.keys()].map((key) => ({ key, branch: txn.branch }));
  try {
    await waitSchemaGate(h);
  } catch (e) {
    held?.release();
    throw e;
  }
  const section = await enterCommitSection(h, txn.branch, keys, held);
  try {
    await refuseUnderGates(env, [txn.branch], "writes on its branch");
    // A schema apply's staged contract promoted by that recovery voids this write's validation:
    // it planned on the contract it read before (under `ownerLease` the heal that upstream runs
    // before a write captures its catalog runs here, inside the section), so it prepares again,
    // as for a read set that changed (a dropped property written back after its apply's
    // promotion: `random-workload-branches` on `fixed`, portfolio seed 43).
    if (section.schemaPromoted) throw new OmniError("ReadSetChanged", { attempts: 0, beforeEffect: true }, "recovery promoted a staged schema after this write validated against the old one");
    // `revalidate_write_txn`: a schema apply published since this write validated voids it.
    await revalidateWriteSchema(env, txn);
    const fresh = await readSnapshot(env, txn.branch);
    // readSetToken: the read set is revalidated under the queues, before any effect. First: a
    // recovery inside the section that published (a roll-back's Restore) moved the head, and the
    // write prepares again on what it left rather than fail a strict check against it
    // (random-workload seed 1189 with `--faults all` on fixed: an update planned on an
    // unpublished index build its own section then rolled back, ExpectedVersionMismatch).
    if (readSetToken(env) && fresh.headToken !== txn.base.headToken) {
      throw new OmniError("ReadSetChanged", { attempts: 0, beforeEffect: true }, "the graph head moved since this write validated its read set");
    }
    // Recovery inside the section may have moved a table's HEAD: stage on the new one.
    if (section.recovered) staged = await stageAll(h, staging);
    const expected = new Map(staging.expected);
    for (const s of staged) {
      const current = fresh.entry(s.tableKey)?.version;
      if (current === undefined) {
        throw new OmniError("TableNotFound", { tableKey: s.tableKey }, `table '${s.tableKey}' missing from manifest at commit time`);
      }
      if (isStrict(staging.opKinds.get(s.tableKey)!)) await ensureExpectedVersion(env, s.tableKey, s.path, s.ref, current, s.expected);
      await driftGuard(h, s.tableKey, s.path, s.ref, current);
      // Design A: a transaction planned on a version that only maintenance has moved since (a
      // compaction committed while this write waited for its section) is planned again at HEAD,
      // as a fresh `stage_merge_insert` there would be; committed at its old read version, a
      // Rewrite of the fragments it rewrites would preempt it (a logical write failed by
      // maintenance). Any logical version in between leaves it to Lance's conflict rule.
      if (s.readVersion !== current && (await movedOnlyByMaintenance(env, s.path, s.ref, s.readVersion, current))) s.readVersion = current;
      s.expected = current;
      expected.set(s.tableKey, current);
    }
    // Design A for the tables this write opened but stages nothing on (a node delete's cascade
    // to edge tables without a matching edge): the publisher checks their pins too, so a pin
    // that only maintenance moved since the open fast-forwards here, inside the section (under
    // `ownerLease` no other committer publishes before this write's publish).
    for (const [tableKey, e] of staging.expected) {
      if (staged.some((s) => s.tableKey === tableKey) || staging.inline.has(tableKey)) continue;
      const current = fresh.entry(tableKey)?.version;
      if (current === undefined || current === e) continue;
      const path = staging.paths.get(tableKey)!;
      if (await movedOnlyByMaintenance(env, path, staging.refOf(tableKey), e, current)) expected.set(tableKey, current);
    }
    const pins: SidecarTablePin[] = staged.map((s) => ({
      table_key: s.tableKey,
      table_path: datasetUri(env.root, s.path),
      expected_version: s.expected,
      post_commit_pin: (s.expected + 1) as Version,
      ...plannedTransaction(env, s.readVersion, s.delta),
      ...onRef(s.ref),
    }));
    for (const [tableKey, commit] of staging.inline) {
      pins.push({
        table_key: tableKey,
        table_path: datasetUri(env.root, staging.paths.get(tableKey)!),
        expected_version: staging.expected.get(tableKey)!,
        post_commit_pin: commit.version,
        ...onRef(staging.refOf(tableKey)),
      });
    }
    let sidecarId: string | null = null;
    if (pins.length > 0) {
      const sidecar = newSidecar(env, { kind, branch: txn.branch, actorId: actor, tables: pins, ...sidecarOwner(env, section), ...capturedAuthority(txn.base, readSetToken(env)) });
      await writeSidecar(env, sidecar);
      sidecarId = sidecar.operation_id;
    }
    // Inline deletes moved HEAD before the sidecar existed; only now may they be rejected.
    for (const tableKey of staging.inline.keys()) {
      const current = fresh.pinned(tableKey);
      const e = staging.expected.get(tableKey)!;
      if (e !== current) throw expectedVersionMismatch(tableKey, e, current);
    }
    const updates: TableUpdate[] = [...staging.inline].map(([tableKey, c]) => ({ tableKey, ref: staging.refOf(tableKey), version: c.version, rowCount: c.rowCount }));
    for (const s of staged) {
      const r = await commitTable(env, s.tableKey, s.path, s.ref, s.readVersion, s.delta);
      requireExactCommit(env, s.tableKey, s.expected, r.version, sidecarId);
      const content = await env.storage.datasets.checkout(s.path, s.ref, r.version);
      updates.push({ tableKey: s.tableKey, ref: s.ref, version: r.version, rowCount: content.rows.length });
    }
    return { updates, expected, sidecarId, validatedAt: fresh, section };
  } catch (e) {
    await section.exit();
    throw e;
  }
}

/**
 * The drift guard: Lance HEAD must equal the fresh manifest pin. Ahead means an uncovered or
 * deferred commit sits on the table, and this write must not fold it in.
 */
async function driftGuard(h: Handle, tableKey: TableKey, path: DatasetPath, ref: Branch, current: Version): Promise<void> {
  const env = h.env;
  const head = await env.storage.datasets.latestVersion(path, ref);
  if (head < current) throw headBehindManifest(tableKey, head, current);
  if (head > current) {
    // A listing failure must not mask the conflict, nor pick a drift class confidently: the
    // advice then names both recovery paths and the cause (`sidecarRequiresRollback: null`).
    let covered: boolean | null;
    let owner: RecoverySidecar | undefined;
    let cause = "";
    try {
      const sidecars = await listSidecars(env);
      owner = sidecars.find((s) => s.tables.some((p) => p.table_key === tableKey && (p.table_branch ?? null) === ref));
      covered = owner !== undefined;
    } catch (e) {
      if (!(e instanceof OmniError) && !isStorageError(e)) throw e;
      covered = null;
      cause = (e as Error).message;
    }
    if (owner) ownedDriftRefused(env, owner, tableKey, head, current);
    const advice =
      covered === null
        ? `could not classify the drift (sidecar listing failed: ${cause}); run \`omnigraph repair\`, or reopen the graph read-write if repair reports a pending recovery sidecar`
        : covered
          ? "a pending recovery sidecar requires rollback — reopen the graph read-write (e.g. restart the server) to recover"
          : "run `omnigraph repair` before writing";
    throw new OmniError(
      "DriftAhead",
      { tableKey, head, pinned: current, sidecarRequiresRollback: covered },
      `table '${tableKey}' has Lance HEAD version ${head} ahead of manifest version ${current}; ${advice}`,
    );
  }
}

/** A pin's `table_branch`: set only for a table on a branch (upstream's `None` is main). */
function onRef(ref: Branch): { table_branch?: Branch } {
  return ref === null ? {} : { table_branch: ref };
}
