// `process_sidecar`: classify every pinned table against a snapshot, decide, and roll the
// sidecar forward (publish what its writer committed), back (Restore to the pins) or defer.
import { FP } from "../../failpoints/catalog.ts";
import type { Env } from "../env.ts";
import { isOmniError, OmniError } from "../errors.ts";
import { maybeFail } from "../failpoint.ts";
import type { ManifestChange } from "../manifest/changes.ts";
import { pathFromUri } from "../manifest/layout.ts";
import { publish, type PublishOptions } from "../manifest/publisher.ts";
import { readSnapshot } from "../manifest/coordinator.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import type { Branch, DatasetPath, TableKey, Version } from "../storage/types.ts";
import { recordAudit, type TableOutcome } from "./audit.ts";
import { auditOnce } from "./audit-once.ts";
import { classifyTable, decide, type TableClassification } from "./classify.ts";
import type { RecoverySidecar, SidecarTablePin } from "./sidecar.ts";
import { fix296 } from "./fix296.ts";
import { isPlannedCommit } from "./exact-commit.ts";
import { sidecarFileOf } from "./delete-listed-sidecar.ts";
import { isStorageError } from "../storage/errors.ts";
import { unpromotedSchemaApply } from "./fix346.ts";
import { authorityChanged, rollForwardOptions } from "./captured-authority.ts";
import { looseAdvanceOwned, provenRollForward, staleRollForwardProven } from "./proven-roll-forward.ts";
import { mergeChainAtHead, mergeChainPublished } from "./merge-txn-chain.ts";

/** The open sweep may restore; the in-process heal only rolls forward and defers the rest. */
export type RecoveryMode = "Full" | "RollForwardOnly";

interface ClassifiedTable {
  readonly pin: SidecarTablePin;
  readonly path: DatasetPath;
  readonly classification: TableClassification;
  readonly pinned: Version;
  /** Lance HEAD at classification time: what a roll-forward publishes. */
  readonly head: Version;
  /** HEAD is a previous recovery's Restore to the pin, never published (`OwnCompensatedAtHead`). */
  readonly compensated?: boolean;
}

/**
 * Lance HEAD of the pin's table branch. A merge writes its sidecar before it makes the forks of
 * the tables it first touches on its target (upstream's branch-merge sidecar names them as
 * first-touch effects, `exec/merge.rs`), so a merge that died in between leaves a pin on a fork
 * that was never made: nothing of the merge's is there, and the table stands at the version the
 * merge expected. Recovery read it as a raw storage error, and every open failed
 * (`random-workload-branches` on `fixed`, random seed 170).
 */
async function headOf(env: Env, path: DatasetPath, pin: SidecarTablePin): Promise<Version> {
  const branch = pin.table_branch ?? null;
  try {
    return await env.storage.datasets.latestVersion(path, branch);
  } catch (e) {
    if (branch === null || !isStorageError(e, "NotFound") || (await env.storage.datasets.listBranches(path)).includes(branch)) throw e;
    return pin.expected_version;
  }
}

/**
 * Upstream's `OwnCompensatedAtHead` (`62a9c3fe`, recovery.rs): HEAD is a Restore to the manifest
 * pin over a commit past it, the compensation a Full recovery makes before it publishes. Under
 * `provenRollForward` only: without it the loose classifier rolls such a HEAD forward anyway
 * (publishing the restore, audited as a roll-forward); with it the Restore is no commit of the
 * writer's kind, so the sidecar read as a foreign advance, was audited rolled back with nothing
 * published, and left HEAD ahead of the pin (`crashes random-workload --profile fixed`, seed 2:
 * an EnsureIndices roll-back cut between its restore and its publish).
 */
async function compensatedAtHead(env: Env, path: DatasetPath, pin: SidecarTablePin, pinned: Version, head: Version): Promise<boolean> {
  if (!provenRollForward(env) || head <= pinned) return false;
  const at = (await env.storage.datasets.versions(path, pin.table_branch ?? null)).find((v) => v.version === head);
  return at?.op === "Restore" && at.readVersion === pinned;
}

/** What happened to one sidecar. */
export type SidecarOutcome = "RolledForward" | "RolledBack" | "AuditRecovered" | "Converged" | "Deferred";

export async function processSidecar(
  env: Env,
  snapshot: Snapshot,
  sidecar: RecoverySidecar,
  mode: RecoveryMode,
  schemaStagingPromoted: boolean,
  publishOptions: PublishOptions = {},
): Promise<SidecarOutcome> {
  const states: ClassifiedTable[] = [];
  for (const pin of sidecar.tables) {
    const path = pathFromUri(env.root, pin.table_path);
    const head = await headOf(env, path, pin);
    const pinned = snapshot.pinned(pin.table_key);
    let classification = classifyTable(pin, head, pinned, sidecar.writer_kind, sidecar.schema_version);
    // The version matches, but the commit there may be another writer's (`exactCommit`), or
    // (a loose writer's) the versions above the pin (`provenRollForward`).
    if (classification === "RolledPastExpected" && !(await isPlannedCommit(env, pin, path))) classification = "ForeignAtP1";
    if (classification === "RolledPastExpected" && !(await looseAdvanceOwned(env, sidecar, { pin, path, pinned, head }))) classification = "ForeignAtP1";
    // A merge's confirmed HEAD is its own only over its exact planned chain (`mergeTxnChain`).
    if (classification === "RolledPastExpected" && !(await mergeChainAtHead(env, sidecar, { pin, path, pinned, head }))) classification = "UnexpectedMultistep";
    states.push({ pin, path, classification, pinned, head, ...((await compensatedAtHead(env, path, pin, pinned, head)) ? { compensated: true } : {}) });
  }
  // A previous recovery rolled this sidecar back and died before publishing its restores: finish
  // that roll-back (publish the restores, restore what it had not reached), as upstream's
  // `OwnCompensatedAtHead` does; the heal defers it with every roll-back.
  if (states.some((s) => s.compensated)) {
    if (mode === "RollForwardOnly") return "Deferred";
    await rollBack(env, snapshot, sidecar, states, publishOptions);
    return "RolledBack";
  }
  const decision = decide(states.map((s) => s.classification));
  // The writer's own commits are all there, but validated against a graph head that is no longer
  // the branch's: never roll forward (upstream's v3 rule); the heal defers, the sweep rolls back.
  if (decision === "RollForward" && authorityChanged(sidecar, snapshot)) {
    if (mode === "RollForwardOnly") return "Deferred";
    await rollBack(env, snapshot, sidecar, states, publishOptions);
    return "RolledBack";
  }
  switch (decision) {
    case "Abort": {
      if (mode === "RollForwardOnly") return "Deferred";
      const bad = states.find((s) => s.classification === "InvariantViolation")!;
      throw new OmniError(
        "RecoveryInvariantViolation",
        { operationId: sidecar.operation_id, tableKey: bad.pin.table_key, head: bad.head, pinned: bad.pinned },
        `recovery sidecar '${sidecar.operation_id}' has invariant violation; refusing to act — operator review required (classifications: ${states
          .map((s) => s.classification)
          .join(", ")})`,
      );
    }
    case "RollBack": {
      const allNoMovement = states.every((s) => s.classification === "NoMovement");
      const anyPinAdvanced = states.some((s) => s.pinned > s.pin.expected_version);
      // #346: a manifest-aligned SchemaApply whose target schema is not live was rolled back
      // (or must be): never audit it as a roll-forward.
      const unpromoted = allNoMovement && anyPinAdvanced && sidecar.writer_kind === "SchemaApply" ? await unpromotedSchemaApply(env, sidecar) : null;
      if (unpromoted === "refuse") return refuseUnpromoted(sidecar, mode);
      // A previous roll-forward published, but its audit or delete failed. Or (F8, `auditOnce`)
      // a previous roll-back did: its restore commits are the pins, so audit what it did. Or
      // (F14, `provenRollForward`) the writer never committed and another writer moved the
      // pins: no commit of the writer's among the versions they passed, so roll back.
      const stale = allNoMovement && anyPinAdvanced && unpromoted !== "roll-back";
      const rolledBack = stale ? await rolledBackBefore(env, states) : null;
      // (#345, `mergeTxnChain`) a merge's stale sidecar is audited forward only when its own
      // chain is what the pins passed over.
      if (stale && (rolledBack || ((await staleRollForwardProven(env, sidecar, states)) && (await mergeChainPublished(env, sidecar, states))))) {
        const outcomes = rolledBack ?? states.map((s) => outcome(s.pin.table_key, s.pin.expected_version, s.pinned));
        await recordAudit(env, sidecar, snapshot.version, rolledBack ? "RolledBack" : "RolledForward", outcomes);
        await env.storage.objects.delete(sidecarFileOf(env, sidecar));
        return "AuditRecovered";
      }
      if (mode === "RollForwardOnly") return "Deferred";
      await rollBack(env, snapshot, sidecar, states, publishOptions);
      return "RolledBack";
    }
    case "RollForward": {
      // Staging not promoted in this pass: at the seed the apply rolls back, although an earlier
      // pass may have promoted it and died before publishing (G1); with #346 the live schema decides.
      const unpromoted = sidecar.writer_kind === "SchemaApply" && !schemaStagingPromoted ? ((await unpromotedSchemaApply(env, sidecar)) ?? "roll-back") : null;
      if (unpromoted === "refuse") return refuseUnpromoted(sidecar, mode);
      if (unpromoted === "audit-only") return auditRecovered(env, snapshot, sidecar, states);
      if (unpromoted === "roll-back") {
        if (mode === "RollForwardOnly") return "Deferred";
        await rollBack(env, snapshot, sidecar, states, publishOptions);
        return "RolledBack";
      }
      // The classify -> publish window of #296: another actor may publish meanwhile.
      await maybeFail(env, FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH);
      let published: { version: Version; versions: Map<TableKey, Version> };
      try {
        published = await rollForwardAll(env, snapshot, sidecar, states, rollForwardOptions(sidecar, publishOptions));
      } catch (e) {
        // The captured head moved between the classification and the publish: nothing published;
        // the next recovery finds the authority changed and rolls back.
        if (isOmniError(e, "ReadSetChanged") && sidecar.authority !== undefined) return "Deferred";
        // #296: a lost race is convergence, not a conflict. At the seed it fails the caller.
        if (fix296(env) && isOmniError(e, "ExpectedVersionMismatch")) return convergeOrDefer(env, sidecar, states);
        throw e;
      }
      const outcomes: TableOutcome[] = sidecar.tables.map((pin) =>
        outcome(pin.table_key, pin.expected_version, published.versions.get(pin.table_key) ?? pin.post_commit_pin),
      );
      for (const reg of sidecar.additional_registrations) {
        outcomes.push(outcome(reg.table_key, 0 as Version, published.versions.get(reg.table_key) ?? (0 as Version)));
      }
      await recordAudit(env, sidecar, published.version, "RolledForward", outcomes);
      await env.storage.objects.delete(sidecarFileOf(env, sidecar));
      return "RolledForward";
    }
  }
}

/** `record_audit_recovery_rollforward` for a published, promoted SchemaApply (#346): audit and delete. */
async function auditRecovered(env: Env, snapshot: Snapshot, sidecar: RecoverySidecar, states: readonly ClassifiedTable[]): Promise<SidecarOutcome> {
  const outcomes = states.map((s) => outcome(s.pin.table_key, s.pin.expected_version, s.pinned));
  await recordAudit(env, sidecar, snapshot.version, "RolledForward", outcomes);
  await env.storage.objects.delete(sidecarFileOf(env, sidecar));
  return "AuditRecovered";
}

/**
 * #346: a SchemaApply sidecar that confirms its publish while the live schema is not its target.
 * Upstream refuses to guess whether the promotion completed (`manifest_internal`; the heal defers).
 */
function refuseUnpromoted(sidecar: RecoverySidecar, mode: RecoveryMode): SidecarOutcome {
  if (mode === "RollForwardOnly") return "Deferred";
  throw new OmniError(
    "RecoveryRequired",
    { sidecars: 1, operationId: sidecar.operation_id },
    `SchemaApply sidecar '${sidecar.operation_id}' confirms manifest publish, but the live schema identity does not match its target; refusing to guess whether schema promotion completed`,
  );
}

/**
 * With `auditOnce`: when some pinned version is a Restore, a previous recovery rolled this sidecar
 * back and published (upstream's `62a9c3fe` tells the same re-entry by its restore at HEAD,
 * `OwnCompensatedAtHead`): the outcomes it would have audited, from the version each restore
 * was built on to the pin it restored. Null otherwise, and at the seed (which audits
 * `RolledForward`).
 */
async function rolledBackBefore(env: Env, states: readonly ClassifiedTable[]): Promise<TableOutcome[] | null> {
  if (!auditOnce(env)) return null;
  const outcomes: TableOutcome[] = [];
  for (const s of states) {
    if (s.pinned <= s.pin.expected_version) continue;
    const at = (await env.storage.datasets.versions(s.path, s.pin.table_branch ?? null)).find((v) => v.version === s.pinned);
    if (at?.op === "Restore") outcomes.push(outcome(s.pin.table_key, at.readVersion, s.pin.expected_version));
  }
  return outcomes.length > 0 ? outcomes : null;
}

function outcome(table_key: TableKey, from_version: Version, to_version: Version): TableOutcome {
  return { table_key, from_version, to_version };
}

/** One `Update` change for `path` at `at` (or HEAD), with its row count. */
async function tableUpdate(env: Env, tableKey: TableKey, path: DatasetPath, branch: Branch, at?: Version): Promise<ManifestChange & { kind: "update" }> {
  const version = at ?? (await env.storage.datasets.latestVersion(path, branch));
  const content = await env.storage.datasets.checkout(path, branch, version);
  return { kind: "update", tableKey, version, branch, rowCount: content.rows.length };
}

/** `roll_forward_all`: one publish of every pin at its observed HEAD, plus registrations and tombstones. */
async function rollForwardAll(
  env: Env,
  snapshot: Snapshot,
  sidecar: RecoverySidecar,
  states: readonly ClassifiedTable[],
  publishOptions: PublishOptions,
): Promise<{ version: Version; versions: Map<TableKey, Version> }> {
  const changes: ManifestChange[] = [];
  const expected = new Map<TableKey, Version>();
  const versions = new Map<TableKey, Version>();
  for (const s of states) {
    changes.push(await tableUpdate(env, s.pin.table_key, s.path, s.pin.table_branch ?? null, s.head));
    expected.set(s.pin.table_key, s.pin.expected_version);
    versions.set(s.pin.table_key, s.head);
  }
  for (const reg of sidecar.additional_registrations) {
    const existing = snapshot.entry(reg.table_key);
    if (existing) {
      versions.set(reg.table_key, existing.version);
      continue;
    }
    const path = reg.table_path as DatasetPath;
    const update = await tableUpdate(env, reg.table_key, path, reg.table_branch);
    changes.push({ kind: "register", tableKey: reg.table_key, path }, update);
    expected.set(reg.table_key, 0 as Version);
    versions.set(reg.table_key, update.version);
  }
  for (const t of sidecar.tombstones) {
    if (!snapshot.entry(t.table_key)) continue;
    changes.push({ kind: "tombstone", tableKey: t.table_key, version: t.tombstone_version });
    expected.set(t.table_key, Math.max(0, t.tombstone_version - 1) as Version);
  }
  const version = await publish(env, sidecar.branch, changes, expected, publishOptions);
  return { version, versions };
}

/** `roll_back_sidecar`: Restore each drifted table to its pin, publish the restored HEADs, audit. */
async function rollBack(
  env: Env,
  snapshot: Snapshot,
  sidecar: RecoverySidecar,
  states: readonly ClassifiedTable[],
  publishOptions: PublishOptions,
): Promise<void> {
  const changes: ManifestChange[] = [];
  const expected = new Map<TableKey, Version>();
  const outcomes: TableOutcome[] = [];
  for (const s of states) {
    const branch = s.pin.table_branch ?? null;
    if (s.compensated) {
      // Restored already: publish the restore.
      changes.push(await tableUpdate(env, s.pin.table_key, s.path, branch, s.head));
      expected.set(s.pin.table_key, s.pinned);
      outcomes.push(outcome(s.pin.table_key, (s.head - 1) as Version, s.pinned));
      continue;
    }
    // No movement, or only another writer's (upstream: "never restore a foreign advance").
    if (s.classification === "NoMovement" || s.classification === "ForeignAtP1") continue;
    await env.storage.datasets.restore(s.path, branch, s.pinned);
    changes.push(await tableUpdate(env, s.pin.table_key, s.path, branch));
    expected.set(s.pin.table_key, s.pinned);
    outcomes.push(outcome(s.pin.table_key, s.head, s.pinned));
  }
  const version = changes.length === 0 ? snapshot.version : await publish(env, sidecar.branch, changes, expected, publishOptions);
  await recordAudit(env, sidecar, version, "RolledBack", outcomes);
  await env.storage.objects.delete(sidecarFileOf(env, sidecar));
}

/**
 * #296's `converge_or_defer_roll_forward`: re-read the manifest. If it already reflects the
 * sidecar's intent, finish the bookkeeping only if the sidecar still exists (whoever advanced
 * it audited it); otherwise defer. Never fail the open.
 */
async function convergeOrDefer(env: Env, sidecar: RecoverySidecar, states: readonly ClassifiedTable[]): Promise<SidecarOutcome> {
  const fresh = await readSnapshot(env, sidecar.branch);
  const satisfied =
    states.every((s) => fresh.pinned(s.pin.table_key) >= s.head) &&
    sidecar.additional_registrations.every((r) => fresh.entry(r.table_key) !== undefined) &&
    sidecar.tombstones.every((t) => fresh.entry(t.table_key) === undefined);
  if (!satisfied) return "Deferred";
  if (!(await env.storage.objects.exists(sidecarFileOf(env, sidecar)))) return "Converged";
  const outcomes: TableOutcome[] = sidecar.tables.map((pin) =>
    outcome(pin.table_key, pin.expected_version, fresh.entry(pin.table_key)?.version ?? pin.post_commit_pin),
  );
  for (const reg of sidecar.additional_registrations) {
    outcomes.push(outcome(reg.table_key, 0 as Version, fresh.entry(reg.table_key)?.version ?? (0 as Version)));
  }
  await recordAudit(env, sidecar, fresh.version, "RolledForward", outcomes);
  await env.storage.objects.delete(sidecarFileOf(env, sidecar));
  return "Converged";
}
