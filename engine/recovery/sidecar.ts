// Recovery sidecars (`__recovery/{ulid}.json`, seed schema version 2): a writer's intent,
// written before its first dataset commit (Phase A) and deleted after its publish (Phase D).
// The JSON shape is upstream's, field for field.
import { FP } from "../../failpoints/catalog.ts";
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import { maybeFail } from "../failpoint.ts";
import { RECOVERY_DIR, sidecarKey } from "../manifest/layout.ts";
import { isStorageError } from "../storage/errors.ts";
import type { Branch, LanceOp, TableKey, Version } from "../storage/types.ts";
import { fix361 } from "./fix361.ts";
import { putSidecarBody, rewriteSidecarBody } from "./verify-sidecar-write.ts";

export const SIDECAR_SCHEMA_VERSION = 2;

export type SidecarKind = "Mutation" | "Load" | "SchemaApply" | "BranchMerge" | "EnsureIndices" | "Optimize";

const KINDS: readonly SidecarKind[] = ["Mutation", "Load", "SchemaApply", "BranchMerge", "EnsureIndices", "Optimize"];

export interface SidecarTablePin {
  readonly table_key: TableKey;
  /** The full dataset URI. */
  readonly table_path: string;
  /** The manifest pin when the writer started: its CAS expectation. */
  readonly expected_version: Version;
  /** The HEAD the writer's commit should produce (a lower bound for multi-commit writers). */
  readonly post_commit_pin: Version;
  readonly confirmed_version?: Version;
  readonly table_branch?: Branch;
  /**
   * The one commit the writer planned for this table (`exactCommit`): upstream's v9 pins carry
   * the staged transaction's identity (read version and uuid); the model's stand-in for the
   * uuid is the transaction's Lance op. Absent at the seed.
   */
  readonly planned_transaction?: PlannedTransaction;
  /**
   * A BranchMerge's planned data commits on this table, in order (`mergeTxnChain`): upstream's
   * v4 `MultiCommitHead { planned_transactions }`, each read at the version the previous made.
   */
  readonly planned_transactions?: readonly PlannedTransaction[];
}

export interface PlannedTransaction {
  readonly read_version: Version;
  readonly op: LanceOp;
}

export interface SidecarRegistration {
  readonly table_key: TableKey;
  /** Relative to the root. */
  readonly table_path: string;
  readonly table_branch: Branch;
}

export interface SidecarTombstone {
  readonly table_key: TableKey;
  readonly tombstone_version: Version;
}

/**
 * The graph head the writer validated its read set against (`readSetToken`): upstream's v3
 * sidecar records the write's captured authority (`protocol_v3.authority`), and recovery never
 * rolls forward a sidecar whose captured head is no longer the branch's (`captured-authority.ts`).
 */
export interface SidecarAuthority {
  readonly graph_head: string | null;
}

/** Who wrote the sidecar and until when it is live (the `ownerLease` fix; absent at the seed). */
export interface SidecarOwner {
  readonly process: string;
  readonly lease_until_ms: number;
}

export interface RecoverySidecar {
  readonly schema_version: number;
  readonly operation_id: string;
  /** Unix microseconds, as a string. */
  readonly started_at: string;
  readonly branch: Branch;
  readonly actor_id: string | null;
  readonly writer_kind: SidecarKind;
  readonly tables: readonly SidecarTablePin[];
  readonly merge_source_commit_id?: string;
  readonly additional_registrations: readonly SidecarRegistration[];
  readonly tombstones: readonly SidecarTombstone[];
  readonly owner?: SidecarOwner;
  /** Mutation and Load under `readSetToken`: the graph head the write validated against. */
  readonly authority?: SidecarAuthority;
  /** The key recovery listed it under (`listSidecars`): its operation's own name, unless a storage fault put it elsewhere. */
  readonly listedAt?: string;
  /** SchemaApply under `fix346`: the desired schema's IR hash (upstream's schema-v5 sidecar). */
  readonly schema_apply_target_schema_ir_hash?: string;
  /** SchemaApply under `fix346`: set once the apply's manifest publish landed. */
  readonly schema_apply_manifest_published?: boolean;
}

export interface NewSidecar {
  readonly kind: SidecarKind;
  readonly branch: Branch;
  readonly actorId: string | null;
  readonly tables: readonly SidecarTablePin[];
  readonly registrations?: readonly SidecarRegistration[];
  readonly tombstones?: readonly SidecarTombstone[];
  readonly owner?: SidecarOwner;
  readonly authority?: SidecarAuthority;
  readonly targetSchemaIrHash?: string;
}

/** `new_sidecar`: a fresh operation id and start time. */
export function newSidecar(env: Env, s: NewSidecar): RecoverySidecar {
  return {
    schema_version: SIDECAR_SCHEMA_VERSION,
    operation_id: env.ids.ulid(),
    started_at: String(env.clock.now() * 1000),
    branch: s.branch,
    actor_id: s.actorId,
    writer_kind: s.kind,
    tables: s.tables,
    additional_registrations: s.registrations ?? [],
    tombstones: s.tombstones ?? [],
    ...(s.owner ? { owner: s.owner } : {}),
    ...(s.authority ? { authority: s.authority } : {}),
    ...(s.targetSchemaIrHash !== undefined ? { schema_apply_target_schema_ir_hash: s.targetSchemaIrHash, schema_apply_manifest_published: false } : {}),
  };
}

/** Phase A: failpoint `recovery.sidecar_write`, then one atomic put (read back under `verifySidecarWrite`). */
export async function writeSidecar(env: Env, sidecar: RecoverySidecar): Promise<void> {
  await maybeFail(env, FP.RECOVERY_SIDECAR_WRITE);
  await putSidecarBody(env, sidecarKey(sidecar.operation_id), sidecarBody(sidecar));
}

/** A sidecar's body as it is written. */
function sidecarBody(sidecar: RecoverySidecar): string {
  return JSON.stringify(sidecar, null, 2);
}

/**
 * `confirm_sidecar_phase_b` (BranchMerge): every pin stamped with the exact version its publish
 * reached, the same object rewritten in place (atomic), after the whole Phase B and before the
 * manifest publish. Recovery rolls a confirmed sidecar forward to exactly those versions; one
 * still unconfirmed is a partial Phase B and rolls back. Failpoint `recovery.sidecar_confirm`
 * stands for the rewrite failing (the unconfirmed sidecar stays: roll back).
 */
export async function confirmSidecarPhaseB(env: Env, sidecar: RecoverySidecar, reached: ReadonlyMap<TableKey, Version>): Promise<RecoverySidecar> {
  await maybeFail(env, FP.RECOVERY_SIDECAR_CONFIRM);
  const tables = sidecar.tables.map((pin) => {
    const version = reached.get(pin.table_key);
    if (version === undefined) {
      throw new OmniError(
        "RecoveryInvariantViolation",
        { operationId: sidecar.operation_id, tableKey: pin.table_key, head: pin.post_commit_pin, pinned: pin.expected_version },
        `confirm_sidecar_phase_b: no achieved version for pinned table '${pin.table_key}' (pins and publish updates diverged)`,
      );
    }
    return { ...pin, confirmed_version: version };
  });
  const confirmed = { ...sidecar, tables };
  await rewriteSidecarBody(env, sidecarKey(sidecar.operation_id), sidecarBody(confirmed), sidecarBody(sidecar));
  return confirmed;
}

/**
 * `confirm_schema_apply_manifest_published` (`fix346`): the SchemaApply sidecar rewritten in
 * place (atomic) with its published marker, after the manifest publish and before the staging
 * files are promoted. Upstream passes `recovery.sidecar_confirm` first; the model does not (the
 * put itself is a crash point and a fault site: docs/fidelity.md).
 */
export async function confirmSchemaApplyPublished(env: Env, sidecar: RecoverySidecar): Promise<void> {
  await rewriteSidecarBody(env, sidecarKey(sidecar.operation_id), sidecarBody({ ...sidecar, schema_apply_manifest_published: true }), sidecarBody(sidecar));
}

/** Phase D: failpoint `recovery.sidecar_delete`, then the delete (of `key`: the operation's own name unless given). */
export async function deleteSidecar(env: Env, operationId: string, key: string = sidecarKey(operationId)): Promise<void> {
  await maybeFail(env, FP.RECOVERY_SIDECAR_DELETE);
  await env.storage.objects.delete(key);
}

/** Phase D as writers run it: best effort; a failure is left for the next heal or open. */
export async function deleteSidecarBestEffort(env: Env, operationId: string): Promise<void> {
  try {
    await deleteSidecar(env, operationId);
  } catch (e) {
    if (!(e instanceof OmniError) && !isStorageError(e)) throw e;
  }
}

/** `recovery.sidecar_list`, one LIST, then one GET per listed sidecar (separate steps: B5). */
export async function listSidecars(env: Env): Promise<RecoverySidecar[]> {
  await maybeFail(env, FP.RECOVERY_SIDECAR_LIST);
  const keys = (await env.storage.objects.list(RECOVERY_DIR)).filter((k) => k.endsWith(".json")).sort();
  if (keys.length === 0) return [];
  // The LIST -> GET window (#361); named upstream only later, hit here on every profile so a
  // script can park in it.
  await maybeFail(env, FP.RECOVERY_POST_SIDECAR_LIST_PRE_READ);
  const out: RecoverySidecar[] = [];
  for (const key of keys) {
    let body: string;
    try {
      body = await env.storage.objects.get(key);
    } catch (e) {
      // #361: a listed sidecar that vanished before the GET was completed and deleted by its
      // live writer. At the seed that NotFound fails the caller.
      if (isStorageError(e, "NotFound")) {
        if (fix361(env)) continue;
        throw new OmniError("StorageFailure", { storageKind: "NotFound", key }, `failed to read recovery sidecar ${key}: not found`, {
          cause: e,
        });
      }
      throw e;
    }
    out.push({ ...parseSidecar(key, body), listedAt: key });
  }
  return out;
}

/** Refuses a corrupt or too-new sidecar loudly: recovering from a guess is worse than stopping. */
export function parseSidecar(key: string, body: string): RecoverySidecar {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (e) {
    throw sidecarError(key, `not valid JSON: ${(e as Error).message}`);
  }
  if (typeof data !== "object" || data === null) throw sidecarError(key, "not a JSON object");
  const d = data as Record<string, unknown>;
  if (typeof d.schema_version !== "number") throw sidecarError(key, "missing schema_version");
  if (d.schema_version > SIDECAR_SCHEMA_VERSION) {
    throw sidecarError(key, `schema_version ${d.schema_version} is newer than the supported ${SIDECAR_SCHEMA_VERSION}`);
  }
  if (typeof d.operation_id !== "string" || d.operation_id.length === 0) throw sidecarError(key, "missing operation_id");
  if (!KINDS.includes(d.writer_kind as SidecarKind)) throw sidecarError(key, `unknown writer_kind ${String(d.writer_kind)}`);
  if (!Array.isArray(d.tables)) throw sidecarError(key, "missing tables");
  for (const t of d.tables as unknown[]) {
    const p = t as Record<string, unknown>;
    if (
      typeof p?.table_key !== "string" ||
      typeof p.table_path !== "string" ||
      typeof p.expected_version !== "number" ||
      typeof p.post_commit_pin !== "number"
    ) {
      throw sidecarError(key, "a table pin lacks table_key, table_path, expected_version or post_commit_pin");
    }
  }
  return {
    ...(d as unknown as RecoverySidecar),
    branch: (d.branch as Branch | undefined) ?? null,
    actor_id: (d.actor_id as string | null | undefined) ?? null,
    additional_registrations: (d.additional_registrations as SidecarRegistration[] | undefined) ?? [],
    tombstones: (d.tombstones as SidecarTombstone[] | undefined) ?? [],
  };
}

function sidecarError(key: string, reason: string): OmniError<"SidecarSchema"> {
  return new OmniError("SidecarSchema", { key, reason }, `recovery sidecar at '${key}' refused: ${reason}`);
}
