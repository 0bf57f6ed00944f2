// A content digest of a store snapshot, for telling whether two durable states are the same
// (the snapshot and clone tests rest on it; nothing in the search uses it yet): the
// SHA-256 of a canonical dump (paths, branches and keys sorted; rows in fragment order).
// Versions are immutable, so each one's canonical text is hashed once and remembered; a digest
// after a few commits costs about the new versions plus one line per retained version.
import { createHash } from "node:crypto";
import { canonicalJson } from "../trace.ts";
import type { DatasetVersion } from "./datasets.ts";
import { sortedRowsOf, type ManifestVersion } from "./manifest.ts";
import type { Refs } from "./refs.ts";
import type { StoreSnapshot } from "./virtual-store.ts";
import type { Versioned } from "./version-chain.ts";

const versionDigests = new WeakMap<object, string>();

export function digest(snapshot: StoreSnapshot): string {
  const datasets = [...snapshot.datasets.keys()].sort().map((path) => [
    path,
    refsDump(snapshot.datasets.get(path) as Refs<DatasetVersion>, datasetVersionDump),
  ]);
  const manifest = snapshot.manifest === null ? null : refsDump(snapshot.manifest, manifestVersionDump);
  const objects = [...snapshot.objects.keys()].sort().map((key) => [key, snapshot.objects.get(key)]);
  return sha256(canonicalJson({ datasets, manifest, objects }));
}

function refsDump<T extends Versioned & object>(refs: Refs<T>, dump: (entry: T) => unknown): unknown {
  const chainDump = (entries: readonly T[]) => entries.map((entry) => memoized(entry, dump));
  const branches = [...refs.branches.keys()].sort().map((name) => [name, chainDump(refs.branches.get(name)?.toArray() ?? [])]);
  return { main: chainDump(refs.main.toArray()), branches };
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
    rows: sortedRowsOf(entry),
    touched: [...entry.touched].sort(),
    fragmentOf: [...entry.fragmentOf].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    modified: [...entry.modified].sort((a, b) => a - b),
  };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
