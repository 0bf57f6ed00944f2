// The oracles' own reader of durable state: `__manifest` rows decoded into table pins, lease
// holders and the head token, and recovery sidecars decoded from their JSON. It follows the
// documented format (engine-model sections 1 and 4: `read_manifest_state`, the sidecar JSON),
// written here a second time on purpose and never shared with the engine, so a defect in the
// engine's reading of its own manifest cannot also blind the oracles that judge it.
import type { AuditOutcome } from "./context.ts";
import type { DatasetPath, ManifestRow, TableKey, Version } from "../../engine/storage/types.ts";

/** One table as a manifest version publishes it. */
export interface PublishedPin {
  readonly tableKey: TableKey;
  readonly path: DatasetPath;
  readonly version: Version;
  /** The Lance branch of the dataset the version is on (a graph branch's fork); null or absent: its main. */
  readonly ref?: string | null;
}

/** Thrown when durable state does not decode: the oracles treat it as unreadable (fail closed). */
export class UnreadableState extends Error {
  override readonly name = "UnreadableState";
}

// Module-level: a regular expression literal is a new object each time it is evaluated, and
// this test runs for every table row of every manifest version.
const TABLE_KEY = /^(node|edge):./;
const isTableKey = (k: unknown): k is TableKey => typeof k === "string" && TABLE_KEY.test(k);

/**
 * Every visible table of one manifest version, sorted by table key: per table the registration's
 * location and the newest `table_version` row, unless a `table_tombstone` at or above that
 * version hides it, with the Lance branch that row names (`table_branch`). A version row
 * without a registration, or whose branch is not a name, is unreadable, not skipped.
 */
export function decodePins(rows: readonly ManifestRow[]): PublishedPin[] {
  const location = new Map<TableKey, DatasetPath>();
  const newest = new Map<TableKey, number>();
  const newestRef = new Map<TableKey, string | null>();
  const tombstone = new Map<TableKey, number>();
  // Indexed, not for-of: a version's rows are a frozen array, and Node 20 allocates an iterator
  // result per element of a frozen array (it does not for a plain one). Once per version.
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.objectType !== "table" && r.objectType !== "table_version" && r.objectType !== "table_tombstone") continue;
    if (!isTableKey(r.tableKey)) throw new UnreadableState(`manifest row ${r.objectId} (${r.objectType}) names no table`);
    const key = r.tableKey;
    if (r.objectType === "table") {
      if (typeof r.location !== "string" || r.location.length === 0) throw new UnreadableState(`registration ${r.objectId} has no location`);
      location.set(key, r.location);
      continue;
    }
    const v = r.tableVersion;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw new UnreadableState(`manifest row ${r.objectId} has no table version`);
    if (r.objectType === "table_version") {
      const ref = r.tableBranch ?? null;
      if (ref !== null && (typeof ref !== "string" || ref.length === 0)) throw new UnreadableState(`manifest row ${r.objectId} names no branch`);
      const current = newest.get(key);
      if (current === undefined || v > current) newestRef.set(key, ref);
    }
    const into = r.objectType === "table_version" ? newest : tombstone;
    into.set(key, Math.max(into.get(key) ?? 0, v));
  }
  const out: PublishedPin[] = [];
  // forEach, not for-of over entries: no [key, value] array per table.
  newest.forEach((v, tableKey) => {
    const t = tombstone.get(tableKey);
    if (t !== undefined && t >= v) return;
    const path = location.get(tableKey);
    if (path === undefined) throw new UnreadableState(`${tableKey} has a published version (${v}) but no registration`);
    out.push({ tableKey, path, version: v as Version, ref: newestRef.get(tableKey) ?? null });
  });
  return out.sort((a, b) => (a.tableKey < b.tableKey ? -1 : a.tableKey > b.tableKey ? 1 : 0));
}

/** A lease as its manifest row records it: who holds it and until when (virtual ms). */
export interface LeaseRecord {
  readonly resource: string;
  readonly owner: string | null;
  readonly untilMs: number;
}

/** Every lease row of one manifest version (the `ownerLease` fix's `lease:<resource>` rows). */
export function decodeLeases(rows: readonly ManifestRow[]): LeaseRecord[] {
  const out: LeaseRecord[] = [];
  // Indexed, not for-of: see decodePins.
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.objectType !== "lease") continue;
    if (!r.objectId.startsWith("lease:")) throw new UnreadableState(`lease row ${r.objectId} is not named lease:<resource>`);
    let state: unknown;
    try {
      state = r.metadata === undefined ? { owner: null, untilMs: 0 } : JSON.parse(r.metadata);
    } catch {
      throw new UnreadableState(`lease row ${r.objectId} holds no JSON`);
    }
    const s = state as { owner?: unknown; untilMs?: unknown };
    if ((s.owner !== null && typeof s.owner !== "string") || typeof s.untilMs !== "number") throw new UnreadableState(`lease row ${r.objectId} lacks owner or untilMs`);
    out.push({ resource: r.objectId.slice("lease:".length), owner: s.owner, untilMs: s.untilMs });
  }
  return out;
}

/** The branch's head token row (`graph_head:<branch>`), if any: what `ReadSetChanged` checks. */
export function decodeHeadToken(rows: readonly ManifestRow[]): string | null {
  const row = rows.find((r) => r.objectType === "graph_head");
  return row?.metadata ?? null;
}

/** A recovery sidecar as its writer put it: the fields the oracles judge recovery by. */
export interface SidecarRecord {
  readonly operationId: string;
  readonly writerKind: string;
  readonly tables: readonly { readonly tableKey: TableKey; readonly uri: string; readonly expected: Version; readonly postCommit: Version }[];
  readonly registrations: readonly TableKey[];
  readonly tombstones: readonly TableKey[];
  /** The graph branch the writer wrote (null for main). */
  readonly branch: string | null;
}

/** Decodes a sidecar's JSON (upstream's `RecoverySidecar`, seed schema version 2). */
export function decodeSidecar(key: string, body: string): SidecarRecord {
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new UnreadableState(`sidecar ${key} is not JSON`);
  }
  if (typeof d.operation_id !== "string" || typeof d.writer_kind !== "string" || !Array.isArray(d.tables)) {
    throw new UnreadableState(`sidecar ${key} lacks operation_id, writer_kind or tables`);
  }
  const tables = (d.tables as Record<string, unknown>[]).map((t) => {
    if (!isTableKey(t.table_key) || typeof t.table_path !== "string" || typeof t.expected_version !== "number" || typeof t.post_commit_pin !== "number") {
      throw new UnreadableState(`sidecar ${key} has a table pin without table_key, table_path, expected_version or post_commit_pin`);
    }
    return { tableKey: t.table_key, uri: t.table_path, expected: t.expected_version as Version, postCommit: t.post_commit_pin as Version };
  });
  const keys = (list: unknown): TableKey[] => (Array.isArray(list) ? list.map((x) => (x as { table_key?: unknown }).table_key).filter(isTableKey) : []);
  const branch = typeof d.branch === "string" && d.branch !== "main" ? d.branch : null;
  return { operationId: d.operation_id, writerKind: d.writer_kind, tables, registrations: keys(d.additional_registrations), tombstones: keys(d.tombstones), branch };
}

/** The operation id a sidecar key names (`__recovery/<ulid>.json`). */
export function operationIdOfKey(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1).replace(/\.json$/, "");
}

/**
 * An audit row's `per_table_outcomes_json`: a JSON array of `{table_key, from_version,
 * to_version}`. Anything else is unreadable (fail closed), never an empty list.
 */
export function decodeAuditOutcomes(operationId: string, json: unknown): AuditOutcome[] {
  let parsed: unknown;
  try {
    parsed = typeof json === "string" ? JSON.parse(json) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed)) throw new UnreadableState(`the audit row of operation ${operationId} has no readable per-table outcomes`);
  return parsed.map((o: unknown) => {
    const r = o as { table_key?: unknown; from_version?: unknown; to_version?: unknown } | null;
    const version = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
    if (typeof r?.table_key !== "string" || !version(r.from_version) || !version(r.to_version)) {
      throw new UnreadableState(`the audit row of operation ${operationId} has an outcome without a table or versions`);
    }
    return { tableKey: r.table_key, from: r.from_version as number, to: r.to_version as number };
  });
}
