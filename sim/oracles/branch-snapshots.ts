// Every snapshot each live graph branch published (its own manifest versions, after its fork
// point), with each table's rows at its pin, read from the raw store after the run. A branch
// deleted and created again is judged as its last incarnation: `createdAt` says where that began.
import { resultAt } from "./took-effect.ts";
import { isInternalSystemBranch } from "../../engine/branch/names.ts";
import { Snapshot } from "../../engine/manifest/snapshot.ts";
import { isStorageError } from "../../engine/storage/errors.ts";
import type { Branch, DatasetPath, Row, Storage, TableKey, Version } from "../../engine/storage/types.ts";
import type { TraceEvent } from "../trace.ts";
import type { PublishedSnapshot } from "./published.ts";
import type { PublishedPin } from "./reader.ts";

export interface BranchHistory {
  readonly branch: string;
  /** Trace index of the `manifest.createBranch` that made this incarnation (-1 if unseen). */
  readonly createdAt: number;
  readonly snapshots: readonly PublishedSnapshot[];
  /** The branch as its newest manifest shows it (its fork point's state if it published nothing). */
  readonly newest: PublishedSnapshot;
  /** The branch it was created from ("main" for main). */
  readonly parent: string;
  /** Tables the branch's newest manifest pins at a version that cannot be read. */
  readonly unreadable: readonly { readonly tableKey: TableKey; readonly ref: Branch; readonly version: Version }[];
}

/** Trace indexes of `branch`'s manifest commits since its last creation, by version. */
function versionIndex(events: readonly TraceEvent[], branch: string): { createdAt: number; at: Map<number, number> } {
  let createdAt = -1;
  let at = new Map<number, number>();
  events.forEach((ev, i) => {
    const result = resultAt(events, i);
    if (ev.e !== "io" || !result) return;
    const args = ev.args as Record<string, unknown>;
    if (ev.op === "manifest.createBranch" && args.name === branch) {
      createdAt = i;
      at = new Map();
    }
    if (ev.op === "manifest.merge" && args.branch === branch) at.set((result.value as { version: number }).version, i);
  });
  return { createdAt, at };
}

/** Rows of a table at a pin, or null when that version (or its ref) is gone. */
export function rowReader(raw: Storage): (path: DatasetPath, ref: Branch, v: Version) => Promise<readonly Row[] | null> {
  const cache = new Map<string, readonly Row[] | null>();
  return async (path, ref, v) => {
    const key = `${path}@${ref ?? ""}@${v}`;
    if (!cache.has(key)) {
      try {
        cache.set(key, (await raw.datasets.checkout(path, ref, v)).rows);
      } catch (e) {
        if (!isStorageError(e, "VersionNotFound") && !isStorageError(e, "NotFound")) throw e;
        cache.set(key, null);
      }
    }
    return cache.get(key)!;
  };
}

/** A table entry as a published pin (branch manifests are still read by the engine's Snapshot here). */
function pinOf(e: { readonly tableKey: TableKey; readonly path: DatasetPath; readonly version: Version }): PublishedPin {
  return { tableKey: e.tableKey, path: e.path, version: e.version };
}

export async function branchHistories(raw: Storage, events: readonly TraceEvent[]): Promise<BranchHistory[]> {
  if (!(await raw.manifest.exists())) return [];
  const rowsAt = rowReader(raw);
  const out: BranchHistory[] = [];
  for (const branch of await raw.manifest.listBranches()) {
    if (isInternalSystemBranch(branch)) continue;
    const contents = await raw.manifest.branchContents(branch);
    const fork = contents.parentVersion;
    const latest = await raw.manifest.latestVersion(branch);
    const { createdAt, at } = versionIndex(events, branch);
    const snapshots: PublishedSnapshot[] = [];
    let previous = "";
    let newest: Snapshot | null = null;
    for (let v = fork + 1; v <= latest; v++) {
      const snapshot = Snapshot.fromManifest(await raw.manifest.load(branch, v as Version));
      newest = snapshot;
      const entries = snapshot.tables();
      const signature = entries.map((e) => `${e.tableKey}@${e.branch ?? ""}@${e.version}`).join(",");
      if (signature === previous) continue;
      previous = signature;
      const tables = new Map<TableKey, readonly Row[]>();
      for (const e of entries) {
        const rows = await rowsAt(e.path, e.branch, e.version);
        if (rows) tables.set(e.tableKey, rows);
      }
      snapshots.push({ version: v as Version, at: at.get(v) ?? Number.MAX_SAFE_INTEGER, tables, pins: entries.map(pinOf) });
    }
    newest ??= Snapshot.fromManifest(await raw.manifest.load(branch));
    const unreadable = [];
    const newestTables = new Map<TableKey, readonly Row[]>();
    for (const e of newest.tables()) {
      const rows = await rowsAt(e.path, e.branch, e.version);
      if (rows === null) unreadable.push({ tableKey: e.tableKey, ref: e.branch, version: e.version });
      else newestTables.set(e.tableKey, rows);
    }
    const newestSnap: PublishedSnapshot = { version: newest.version, at: Number.MAX_SAFE_INTEGER, tables: newestTables, pins: newest.tables().map(pinOf) };
    out.push({ branch, createdAt, snapshots, newest: newestSnap, parent: contents.parent ?? "main", unreadable });
  }
  return out;
}
