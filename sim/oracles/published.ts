// Every manifest version ever committed on main, decoded by the oracles' own reader, and every
// snapshot that published a new set of pins, with each table's rows at its pin, read from the
// raw store after the run (no scheduling, no trace). Oracles judge these.
import { memoOnRows } from "../../engine/manifest/rows-memo.ts";
import { manifestReadableNow } from "../store/manifest.ts";
import { isStorageError } from "../../engine/storage/errors.ts";
import type { DatasetPath, ManifestRow, Row, Storage, TableKey, Version } from "../../engine/storage/types.ts";
import { versionAt as versionOf } from "./took-effect.ts";
import type { TraceEvent } from "../trace.ts";
import { prefixIndexed, type TraceScan } from "../trace-prefix.ts";
import { decodeHeadToken, decodeLeases, decodePins, type LeaseRecord, type PublishedPin } from "./reader.ts";

/** One committed manifest version as the oracles' reader sees it. */
export interface ManifestVersion {
  readonly version: Version;
  /** Index of the trace event that committed it (MAX_SAFE_INTEGER if the trace has none). */
  readonly at: number;
  /** The actor that committed it (null if the trace has none). */
  readonly actor: string | null;
  readonly pins: readonly PublishedPin[];
  readonly headToken: string | null;
  readonly leases: readonly LeaseRecord[];
}

export interface PublishedSnapshot {
  readonly version: Version;
  /** Index of the trace event that published it. */
  readonly at: number;
  /**
   * Rows per table at the table's pin. A table whose pinned version was cleaned up (a hard
   * drop) is absent: oracles must not read its absence as "no rows".
   */
  readonly tables: ReadonlyMap<TableKey, readonly Row[]>;
  /** Each visible table's pin. */
  readonly pins: readonly PublishedPin[];
}

/** Each main-branch manifest commit in the trace: the version it made, where and by whom. */
const mainManifestCommits: TraceScan<{ at: number; actor: string; version: number; compact: boolean }> = (events, from, to) => {
  const out: { at: number; actor: string; version: number; compact: boolean }[] = [];
  for (let i = from; i < to; i++) {
    const ev = events[i]!;
    if (ev.e !== "io") continue;
    const v = versionOf(events, i);
    const args = ev.args as Record<string, unknown>;
    if (typeof v !== "number") continue;
    const main = ev.op === "manifest.create" || ((ev.op === "manifest.merge" || ev.op === "manifest.compact") && args.branch === null);
    if (main) out.push({ at: i, actor: ev.actor, version: v, compact: ev.op === "manifest.compact" });
  }
  return out;
};

/** Where and by whom each main-branch manifest version was committed. */
export function manifestVersionIndex(events: readonly TraceEvent[]): Map<number, { at: number; actor: string }> {
  const at = new Map<number, { at: number; actor: string }>();
  for (const c of prefixIndexed(events, mainManifestCommits)) {
    const where = { at: c.at, actor: c.actor };
    at.set(c.version, where);
    // A compaction commits two versions (ReserveFragments, then the Rewrite it reports).
    if (c.compact && !at.has(c.version - 1)) at.set(c.version - 1, where);
  }
  return at;
}

/** One version's rows decoded once per rows array (every future of a crash state re-reads them). */
const decoded = new WeakMap<readonly ManifestRow[], Pick<ManifestVersion, "pins" | "headToken" | "leases">>();

/** Every main-branch manifest version, oldest first (none when `__manifest` does not exist). */
export async function manifestHistory(raw: Storage, events: readonly TraceEvent[]): Promise<ManifestVersion[]> {
  if (!(await raw.manifest.exists())) return [];
  const index = manifestVersionIndex(events);
  const latest = await raw.manifest.latestVersion(null);
  const out: ManifestVersion[] = [];
  // A version no traced call made was committed after the last known one before it: it stands
  // from there, by nobody known.
  let lastAt = Number.MAX_SAFE_INTEGER;
  const now = manifestReadableNow(raw.manifest);
  for (let v = 1; v <= latest; v++) {
    const rows = now ? now.loadNow(null, v as Version).rows : (await raw.manifest.load(null, v as Version)).rows;
    const where = index.get(v);
    lastAt = where?.at ?? lastAt;
    const parts = memoOnRows(decoded, rows, () => ({ pins: decodePins(rows), headToken: decodeHeadToken(rows), leases: decodeLeases(rows) }));
    out.push(versionOn(parts, v as Version, lastAt, where?.actor ?? null));
  }
  return out;
}

/** The last `ManifestVersion` built on each decoded version (a crash state's futures share their past's). */
const built = new WeakMap<object, ManifestVersion>();

/** `parts` as version `version`, committed at `at` by `actor`: the one built before when it was the same. */
function versionOn(parts: Pick<ManifestVersion, "pins" | "headToken" | "leases">, version: Version, at: number, actor: string | null): ManifestVersion {
  const known = built.get(parts);
  if (known && known.version === version && known.at === at && known.actor === actor) return known;
  const made: ManifestVersion = { version, at, actor, ...parts };
  built.set(parts, made);
  return made;
}

/**
 * The snapshots that published a new set of pins, each with its tables' rows; with `from`, only
 * those from the one standing at trace index `from` on (the newest published before it), as
 * `oraclesFrom` shows them (the rows of the earlier ones are never read).
 */
export async function publishedSnapshots(raw: Storage, history: readonly ManifestVersion[], from = 0): Promise<PublishedSnapshot[]> {
  const cache = new Map<string, readonly Row[] | null>();
  const rowsAt = async (path: DatasetPath, v: Version): Promise<readonly Row[] | null> => {
    const key = `${path}@${v}`;
    if (!cache.has(key)) {
      try {
        cache.set(key, (await raw.datasets.checkout(path, null, v)).rows);
      } catch (e) {
        // A hard drop cleans its table's old versions up; any other failure is unreadable state.
        if (!isStorageError(e, "VersionNotFound") && !isStorageError(e, "NotFound")) throw e;
        cache.set(key, null);
      }
    }
    return cache.get(key)!;
  };
  const published: ManifestVersion[] = [];
  let previous = "";
  for (const m of history) {
    const signature = pinsSignature(m.pins);
    if (signature === previous) continue;
    previous = signature;
    published.push(m);
  }
  const standing = from > 0 ? published.findLastIndex((m) => m.at < from) : -1;
  const out: PublishedSnapshot[] = [];
  for (const m of standing > 0 ? published.slice(standing) : published) {
    const tables = new Map<TableKey, readonly Row[]>();
    for (const p of m.pins) {
      const rows = await rowsAt(p.path, p.version);
      if (rows) tables.set(p.tableKey, rows);
    }
    out.push({ version: m.version, at: m.at, tables, pins: m.pins });
  }
  return out;
}

/** A version's pins as one string (equal strings: the same published snapshot), once per pins array. */
export function pinsSignature(pins: readonly PublishedPin[]): string {
  let signature = signatures.get(pins);
  if (signature === undefined) signatures.set(pins, (signature = pins.map((p) => `${p.tableKey}@${p.version}`).join(",")));
  return signature;
}

const signatures = new WeakMap<readonly PublishedPin[], string>();

/** The manifest version current at trace index `i` (the newest committed before it), if any. */
export function versionAt(history: readonly ManifestVersion[], i: number): ManifestVersion | undefined {
  let found: ManifestVersion | undefined;
  for (const m of history) if (m.at < i) found = m;
  return found;
}
