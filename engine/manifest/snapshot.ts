// A manifest snapshot: what readers see. For each table the newest version row, unless a
// tombstone at or above it hides the table (`read_manifest_state`).
import type { Branch, DatasetPath, ManifestRow, ManifestSnapshot, TableKey, Version } from "../storage/types.ts";
import { memoOnRows, rowById } from "./rows-memo.ts";

export interface TableEntry {
  readonly tableKey: TableKey;
  readonly path: DatasetPath;
  readonly version: Version;
  readonly branch: Branch;
  readonly rowCount: number;
}

export class Snapshot {
  constructor(
    /** The manifest version this snapshot was read at. */
    readonly version: Version,
    readonly branch: Branch,
    private readonly entries: ReadonlyMap<TableKey, TableEntry>,
    /** The branch's shared head row token (`readSetToken`); null before any token publish. */
    readonly headToken: string | null = null,
  ) {}

  entry(tableKey: TableKey): TableEntry | undefined {
    return this.entries.get(tableKey);
  }

  /** The published version of `tableKey`, or 0 when it has no entry. */
  pinned(tableKey: TableKey): Version {
    return this.entries.get(tableKey)?.version ?? (0 as Version);
  }

  /** Entries sorted by table key. */
  tables(): TableEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.tableKey < b.tableKey ? -1 : a.tableKey > b.tableKey ? 1 : 0));
  }

  static fromManifest(m: ManifestSnapshot): Snapshot {
    return new Snapshot(m.version, m.branch, memoOnRows(entriesMemo, m.rows, entriesOf), headTokenOf(m));
  }
}

/** The shared head row every same-branch publish touches under `readSetToken`. */
export function graphHeadObjectId(branch: Branch): string {
  return `graph_head:${branch ?? "main"}`;
}

/** The branch's head token in a manifest version; null before any token publish. */
export function headTokenOf(m: ManifestSnapshot): string | null {
  return rowById(m.rows, graphHeadObjectId(m.branch))?.metadata ?? null;
}

const entriesMemo = new WeakMap<readonly ManifestRow[], ReadonlyMap<TableKey, TableEntry>>();

function entriesOf(rows: readonly ManifestRow[]): Map<TableKey, TableEntry> {
  const locations = new Map<TableKey, DatasetPath>();
  const newest = new Map<TableKey, ManifestRow>();
  const tombstone = new Map<TableKey, Version>();
  // Indexed, not for-of: a version's rows are a frozen array, and Node 20 allocates an iterator
  // result per element of a frozen array (it does not for a plain one). Once per version.
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (!r.tableKey) continue;
    if (r.objectType === "table" && r.location) locations.set(r.tableKey, r.location);
    else if (r.objectType === "table_version" && r.tableVersion !== undefined) {
      const cur = newest.get(r.tableKey);
      if (!cur || cur.tableVersion! < r.tableVersion) newest.set(r.tableKey, r);
    } else if (r.objectType === "table_tombstone" && r.tableVersion !== undefined) {
      tombstone.set(r.tableKey, Math.max(tombstone.get(r.tableKey) ?? 0, r.tableVersion) as Version);
    }
  }
  const out = new Map<TableKey, TableEntry>();
  // forEach, not for-of over entries: no [key, value] array per table.
  newest.forEach((row, tableKey) => {
    const t = tombstone.get(tableKey);
    if (t !== undefined && t >= row.tableVersion!) return;
    const path = locations.get(tableKey);
    if (!path) return;
    out.set(tableKey, {
      tableKey,
      path,
      version: row.tableVersion!,
      branch: row.tableBranch ?? null,
      rowCount: row.rowCount ?? 0,
    });
  });
  return out;
}

/**
 * The publisher's view (`latest_visible_per_table`): the newest version per table not covered
 * by a tombstone; a table that only has a tombstone reports the tombstone's version.
 */
export function latestVisiblePerTable(rows: readonly ManifestRow[]): ReadonlyMap<TableKey, Version> {
  return memoOnRows(latestMemo, rows, computeLatestVisible);
}

const latestMemo = new WeakMap<readonly ManifestRow[], ReadonlyMap<TableKey, Version>>();

function computeLatestVisible(rows: readonly ManifestRow[]): ReadonlyMap<TableKey, Version> {
  const tombstones = new Map<TableKey, Version>();
  // Indexed, not for-of: see entriesOf.
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.objectType === "table_tombstone" && r.tableKey && r.tableVersion !== undefined) {
      tombstones.set(r.tableKey, Math.max(tombstones.get(r.tableKey) ?? 0, r.tableVersion) as Version);
    }
  }
  const latest = new Map<TableKey, Version>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.objectType !== "table_version" || !r.tableKey || r.tableVersion === undefined) continue;
    const t = tombstones.get(r.tableKey);
    if (t !== undefined && t >= r.tableVersion) continue;
    latest.set(r.tableKey, Math.max(latest.get(r.tableKey) ?? 0, r.tableVersion) as Version);
  }
  tombstones.forEach((t, k) => {
    if (!latest.has(k)) latest.set(k, t);
  });
  return latest;
}
