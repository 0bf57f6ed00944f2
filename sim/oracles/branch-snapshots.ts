// Every snapshot each live graph branch published (its own manifest versions, after its fork
// point), with each table's rows at its pin, read from the raw store after the run by the
// oracles' own reader (reader.ts), never the engine's. A branch deleted and created again is
// judged as its last incarnation: `createdAt` says where that began.
import { resultAt } from "./took-effect.ts";
import { isInternalSystemBranch } from "../../engine/branch/names.ts";
import { isStorageError } from "../../engine/storage/errors.ts";
import type { Branch, DatasetPath, Row, Storage, TableKey, Version } from "../../engine/storage/types.ts";
import type { TraceEvent } from "../trace.ts";
import type { ManifestVersion, PublishedSnapshot } from "./published.ts";
import { decodePins, type PublishedPin } from "./reader.ts";

export interface BranchHistory {
  readonly branch: string;
  /** Trace index of the `manifest.createBranch` that made this incarnation (-1 if unseen). */
  readonly createdAt: number;
  readonly snapshots: readonly PublishedSnapshot[];
  /**
   * The branch's own manifest versions (after its fork point), with where and by whom each was
   * committed: what says whether an operation on the branch published (`mayHaveTakenEffect`).
   */
  readonly manifests: readonly ManifestVersion[];
  /** The branch as its newest manifest shows it (its fork point's state if it published nothing). */
  readonly newest: PublishedSnapshot;
  /** The branch it was created from ("main" for main). */
  readonly parent: string;
  /** Tables the branch's newest manifest pins at a version that cannot be read. */
  readonly unreadable: readonly { readonly tableKey: TableKey; readonly ref: Branch; readonly version: Version }[];
}

/** Trace indexes and actors of `branch`'s manifest commits since its last creation, by version. */
function versionIndex(events: readonly TraceEvent[], branch: string): { createdAt: number; at: Map<number, { at: number; actor: string }> } {
  let createdAt = -1;
  let at = new Map<number, { at: number; actor: string }>();
  events.forEach((ev, i) => {
    const result = resultAt(events, i);
    if (ev.e !== "io" || !result) return;
    const args = ev.args as Record<string, unknown>;
    if (ev.op === "manifest.createBranch" && args.name === branch) {
      createdAt = i;
      at = new Map();
    }
    if (ev.op === "manifest.merge" && args.branch === branch) at.set((result.value as { version: number }).version, { at: i, actor: ev.actor });
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

const refOf = (p: PublishedPin): Branch => p.ref ?? null;

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
    const manifests: ManifestVersion[] = [];
    const snapshots: PublishedSnapshot[] = [];
    let previous = "";
    let newestPins: PublishedPin[] | null = null;
    let newestVersion = latest;
    for (let v = fork + 1; v <= latest; v++) {
      const pins = decodePins((await raw.manifest.load(branch, v as Version)).rows);
      const where = at.get(v);
      manifests.push({ version: v as Version, at: where?.at ?? Number.MAX_SAFE_INTEGER, actor: where?.actor ?? null, pins, headToken: null, leases: [] });
      newestPins = pins;
      const signature = pins.map((p) => `${p.tableKey}@${refOf(p) ?? ""}@${p.version}`).join(",");
      if (signature === previous) continue;
      previous = signature;
      const tables = new Map<TableKey, readonly Row[]>();
      for (const p of pins) {
        const rows = await rowsAt(p.path, refOf(p), p.version);
        if (rows) tables.set(p.tableKey, rows);
      }
      snapshots.push({ version: v as Version, at: where?.at ?? Number.MAX_SAFE_INTEGER, tables, pins });
    }
    if (newestPins === null) {
      const m = await raw.manifest.load(branch);
      newestPins = decodePins(m.rows);
      newestVersion = m.version;
    }
    const unreadable = [];
    const newestTables = new Map<TableKey, readonly Row[]>();
    for (const p of newestPins) {
      const rows = await rowsAt(p.path, refOf(p), p.version);
      if (rows === null) unreadable.push({ tableKey: p.tableKey, ref: refOf(p), version: p.version });
      else newestTables.set(p.tableKey, rows);
    }
    const newest: PublishedSnapshot = { version: newestVersion as Version, at: Number.MAX_SAFE_INTEGER, tables: newestTables, pins: newestPins };
    out.push({ branch, createdAt, snapshots, manifests, newest, parent: contents.parent ?? "main", unreadable });
  }
  return out;
}
