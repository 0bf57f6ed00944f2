// Every snapshot the manifest ever published on main, with each table's rows at its pin, read
// from the raw store after the run (no scheduling, no trace). Oracles judge these.
import { Snapshot, type TableEntry } from "../../engine/manifest/snapshot.ts";
import { memoOnRows } from "../../engine/manifest/rows-memo.ts";
import { isStorageError } from "../../engine/storage/errors.ts";
import type { DatasetPath, ManifestRow, ManifestSnapshot, Row, Storage, TableKey, Version } from "../../engine/storage/types.ts";
import type { TraceEvent } from "../trace.ts";

export interface PublishedSnapshot {
  readonly version: Version;
  /** Index of the trace event that published it. */
  readonly at: number;
  /**
   * Rows per table at the table's pin. A table whose pinned version was cleaned up (a hard
   * drop) is absent: oracles must not read its absence as "no rows".
   */
  readonly tables: ReadonlyMap<TableKey, readonly Row[]>;
  readonly snapshot: Snapshot;
}

/** The trace index at which each main-branch manifest version was committed. */
export function manifestVersionIndex(events: readonly TraceEvent[]): Map<number, number> {
  const at = new Map<number, number>();
  events.forEach((ev, i) => {
    if (ev.e !== "io" || !("ok" in ev)) return;
    const args = ev.args as Record<string, unknown>;
    if (ev.op === "manifest.create") at.set((ev.ok as { version: number }).version, i);
    if (ev.op === "manifest.merge" && args.branch === null) at.set((ev.ok as { version: number }).version, i);
  });
  return at;
}

/** A manifest version's pins and their signature, once per rows array (every future of a crash state re-reads them). */
const pinsMemo = new WeakMap<readonly ManifestRow[], { snapshot: Snapshot; entries: TableEntry[]; signature: string }>();

function pinsOf(manifest: ManifestSnapshot) {
  const snapshot = Snapshot.fromManifest(manifest);
  const entries = snapshot.tables();
  return { snapshot, entries, signature: entries.map((e) => `${e.tableKey}@${e.version}`).join(",") };
}

export async function publishedSnapshots(raw: Storage, events: readonly TraceEvent[]): Promise<PublishedSnapshot[]> {
  if (!(await raw.manifest.exists())) return [];
  const index = manifestVersionIndex(events);
  const latest = await raw.manifest.latestVersion(null);
  const cache = new Map<string, readonly Row[] | null>();
  const rowsAt = async (path: DatasetPath, v: Version): Promise<readonly Row[] | null> => {
    const key = `${path}@${v}`;
    if (!cache.has(key)) {
      try {
        cache.set(key, (await raw.datasets.checkout(path, null, v)).rows);
      } catch (e) {
        if (!isStorageError(e, "VersionNotFound") && !isStorageError(e, "NotFound")) throw e;
        cache.set(key, null);
      }
    }
    return cache.get(key)!;
  };
  const out: PublishedSnapshot[] = [];
  let previous = "";
  // A version no traced call acknowledged (a merge whose response a storage fault lost) was
  // published after the last acknowledged one before it: it stands from there.
  let lastAt = Number.MAX_SAFE_INTEGER;
  for (let v = 1; v <= latest; v++) {
    lastAt = index.get(v) ?? lastAt;
    const manifest = await raw.manifest.load(null, v as Version);
    const { snapshot, entries, signature } = memoOnRows(pinsMemo, manifest.rows, () => pinsOf(manifest));
    if (signature === previous) continue;
    previous = signature;
    const tables = new Map<TableKey, readonly Row[]>();
    for (const e of entries) {
      const rows = await rowsAt(e.path, e.version);
      if (rows) tables.set(e.tableKey, rows);
    }
    out.push({ version: v as Version, at: lastAt, tables, snapshot });
  }
  return out;
}
