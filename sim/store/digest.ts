// A content digest of a store snapshot, for telling whether two durable states are the same (the
// snapshot and clone tests rest on it, and crash-state enumeration counts distinct durable
// states with it): SHA-256 over a canonical dump (paths, branches and keys sorted; rows in
// fragment order), built from the digests of the store's parts. Versions and the maps, refs and
// chains holding them are immutable, so each one's digest is computed once and remembered.
import { createHash } from "node:crypto";
import { canonicalJson } from "../trace.ts";
import type { DatasetVersion } from "./datasets.ts";
import { sortedRowsOf, type ManifestVersion } from "./manifest.ts";
import type { Refs } from "./refs.ts";
import type { StoreSnapshot } from "./virtual-store.ts";
import type { Versioned } from "./version-chain.ts";

const versionDigests = new WeakMap<object, string>();
/** Digests of the store's immutable parts (maps, refs, chains), each computed once per object. */
const partDigests = new WeakMap<object, string>();

/**
 * The digest of the whole state: made of the digests of its parts, each remembered on the
 * immutable object it describes. Consecutive states share every part a write left alone, so a
 * state after one write costs the parts it changed: one object map, or one dataset's refs, its
 * changed chain (a line per retained version, each version hashed once) and the datasets map.
 */
export function digest(snapshot: StoreSnapshot): string {
  const manifest = snapshot.manifest === null ? "none" : refsDigest(snapshot.manifest, manifestVersionDump);
  return sha256(canonicalJson({ datasets: datasetsDigest(snapshot.datasets), manifest, objects: objectsDigest(snapshot.objects) }));
}

function remembered<T extends object>(part: T, compute: (part: T) => string): string {
  let known = partDigests.get(part);
  if (known === undefined) {
    known = compute(part);
    partDigests.set(part, known);
  }
  return known;
}

function datasetsDigest(datasets: StoreSnapshot["datasets"]): string {
  return remembered(datasets, (map) =>
    sha256(canonicalJson([...map.keys()].sort().map((path) => [path, refsDigest(map.get(path) as Refs<DatasetVersion>, datasetVersionDump)]))),
  );
}

function objectsDigest(objects: StoreSnapshot["objects"]): string {
  return remembered(objects, (map) => sha256(canonicalJson([...map.keys()].sort().map((key) => [key, map.get(key)]))));
}

function refsDigest<T extends Versioned & object>(refs: Refs<T>, dump: (entry: T) => unknown): string {
  return remembered(refs, (r) => {
    // A chain's digest folds its versions' in order: one appended to a known chain costs one step.
    const chain = (c: Refs<T>["main"]): string =>
      remembered(c, (ch) => {
        const parent = ch.appendedTo;
        if (parent && parent.size === ch.size - 1 && parent.oldest === ch.oldest) return sha256(`${chain(parent)}\n${memoized(ch.head, dump)}`);
        return ch.toArray().reduce((acc, entry, i) => (i === 0 ? sha256(`\n${memoized(entry, dump)}`) : sha256(`${acc}\n${memoized(entry, dump)}`)), "");
      });
    const branches = [...r.branches.keys()].sort().map((name) => [name, chain(r.branches.get(name)!)]);
    // Fork points (a branch's parent ref and version), when any branch has one.
    const forks = [...r.forks.keys()].sort().map((name) => [name, r.forks.get(name)]);
    return sha256(canonicalJson({ main: chain(r.main), branches, ...(forks.length > 0 ? { forks } : {}) }));
  });
}

function memoized<T extends object>(entry: T, dump: (entry: T) => unknown): string {
  let known = versionDigests.get(entry);
  if (known === undefined) {
    known = sha256(canonicalJson(dump(entry)));
    versionDigests.set(entry, known);
  }
  return known;
}

function datasetVersionDump(entry: DatasetVersion): unknown {
  const { content } = entry;
  return {
    version: entry.version,
    op: entry.op,
    readVersion: entry.readVersion,
    touched: [...entry.touched].sort((a, b) => a - b),
    fragments: content.fragments.map((f) => ({ id: f.id, rows: f.rows })),
    indices: content.indices,
    config: [...content.config.keys()].sort().map((key) => [key, content.config.get(key)]),
    nextFragmentId: content.nextFragmentId,
  };
}

function manifestVersionDump(entry: ManifestVersion): unknown {
  return {
    version: entry.version,
    op: entry.op,
    // Each row by its own digest: rows are frozen and shared by the versions that keep them, so
    // a new version costs the rows it wrote (a crash-state future makes hundreds of versions).
    rows: sortedRowsOf(entry).map((row) => memoized(row, rowDump)),
    touched: [...entry.touched].sort(),
    // [objectId, fragment] pairs by objectId, as the map this list replaced was dumped (rows are sorted).
    fragmentOf: entry.rows.map((row, i) => [row.objectId, entry.fragments[i]]),
    modified: [...entry.modified].sort((a, b) => a - b),
  };
}

function rowDump(row: object): unknown {
  return row;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
