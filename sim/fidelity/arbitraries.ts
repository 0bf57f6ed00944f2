// fast-check generators of storage-operation sequences for the fidelity test. Small pools of
// ids, objectIds, branch names and keys make collisions likely: the same row updated twice,
// the same objectId merged by a stale and a fresh writer, a key renamed over another.
import fc from "fast-check";
import { version, type DatasetPath, type ManifestRow, type Row, type RowPredicate, type TxnDelta } from "../../engine/storage/types.ts";
import { HEAD, type FidelityOp, type VersionRef } from "./ops.ts";

export const NODES = "nodes/person" as DatasetPath;
export const EDGES = "edges/knows" as DatasetPath;

const IDS = ["a", "b", "c", "d", "e", "f"];
const ENDPOINTS = ["a", "b", "c"];
const OBJECT_IDS = [
  "graph_head:main",
  "node:Person",
  "node:Person$00000000000000000002",
  "node:Person$00000000000000000003",
  "edge:Knows$00000000000000000002",
];
const BRANCHES = ["feature", "__schema_apply_lock__", "b2"];
/** Dataset branches: graph branches' table forks. */
const DATASET_BRANCHES = ["feature", "b2"];
const KEYS = ["__recovery/01.json", "_schema.pg", "_schema.pg.staging", "__recovery/02.json", "__schema_state.json"];
const PREFIXES = ["", "__recovery/", "_schema", "__"];

/** How often each family of operations is drawn (relative weights; 0 leaves it out). */
export interface Mix {
  readonly datasets: number;
  readonly manifest: number;
  readonly objects: number;
}

export interface SequenceShape {
  readonly mix: Mix;
  readonly minLength: number;
  readonly maxLength: number;
}

const nodeRow: fc.Arbitrary<Row> = fc.record({ id: fc.constantFrom(...IDS), value: fc.integer({ min: 0, max: 9 }) });
const edgeRow: fc.Arbitrary<Row> = fc.record({
  id: fc.constantFrom(...IDS),
  src: fc.constantFrom(...ENDPOINTS),
  dst: fc.constantFrom(...ENDPOINTS),
  value: fc.integer({ min: 0, max: 9 }),
});
/** A row whose id is not a string: InvalidInput on both backends. */
const badRow = fc.constant({ id: 7 } as unknown as Row);

function rows(ds: DatasetPath, unique: boolean): fc.Arbitrary<Row[]> {
  const row = ds === EDGES ? edgeRow : nodeRow;
  const distinct = fc.uniqueArray(row, { selector: (r) => r.id, maxLength: 3 });
  if (!unique) return fc.oneof({ arbitrary: fc.array(row, { maxLength: 3 }), weight: 19 }, { arbitrary: fc.array(badRow, { minLength: 1, maxLength: 1 }), weight: 1 });
  // Now and then two source rows with one id: InvalidInput on both.
  return fc.oneof({ arbitrary: distinct, weight: 9 }, { arbitrary: fc.array(row, { minLength: 2, maxLength: 3 }), weight: 1 });
}

const predicate: fc.Arbitrary<RowPredicate> = fc
  .array(
    fc.oneof(
      fc.record({ column: fc.constant("id"), in: fc.subarray(IDS, { minLength: 1 }) }),
      fc.record({ column: fc.constant("value"), in: fc.subarray([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { minLength: 1 }) }),
      fc.record({ column: fc.constant("src"), in: fc.subarray(ENDPOINTS, { minLength: 1 }) }),
    ),
    { minLength: 1, maxLength: 2 },
  )
  .map((anyOf) => ({ anyOf }));

function delta(ds: DatasetPath): fc.Arbitrary<TxnDelta> {
  return fc.oneof(
    { arbitrary: rows(ds, false).map((r): TxnDelta => ({ op: "Append", rows: r })), weight: 5 },
    { arbitrary: rows(ds, true).map((r): TxnDelta => ({ op: "Merge", rows: r })), weight: 2 },
    { arbitrary: rows(ds, true).map((r): TxnDelta => ({ op: "StagedMergeInsert", rows: r })), weight: 3 },
    { arbitrary: rows(ds, true).map((r): TxnDelta => ({ op: "Update", rows: r })), weight: 3 },
    { arbitrary: predicate.map((where): TxnDelta => ({ op: "Delete", where })), weight: 3 },
    { arbitrary: rows(ds, false).map((r): TxnDelta => ({ op: "Overwrite", rows: r })), weight: 1 },
    { arbitrary: fc.constant<TxnDelta>({ op: "Rewrite" }), weight: 3 },
    { arbitrary: fc.constantFrom("id_idx", "value_idx").map((index): TxnDelta => ({ op: "CreateIndex", index })), weight: 1 },
    { arbitrary: fc.record({ key: fc.constantFrom("k", "retention"), value: fc.constantFrom("1", "7d", null) }).map((c): TxnDelta => ({ op: "UpdateConfig", ...c })), weight: 1 },
  );
}

/** HEAD or a stale read about equally; now and then a version from the future or version 0. */
const readRef: fc.Arbitrary<VersionRef> = fc.oneof(
  { arbitrary: fc.constant(HEAD), weight: 9 },
  { arbitrary: fc.integer({ min: 1, max: 3 }).map((back): VersionRef => ({ from: "head", back })), weight: 9 },
  { arbitrary: fc.constant<VersionRef>({ from: "ahead", by: 1 }), weight: 1 },
  { arbitrary: fc.constant<VersionRef>({ from: "zero" }), weight: 1 },
);

/** A version to read or restore: anywhere in the recent history. */
const atRef: fc.Arbitrary<VersionRef> = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 4 }).map((back): VersionRef => ({ from: "head", back })), weight: 10 },
  { arbitrary: fc.constant<VersionRef>({ from: "ahead", by: 1 }), weight: 1 },
);

function datasetOp(): fc.Arbitrary<FidelityOp> {
  // Mostly one dataset, so that its history grows long enough for stale writers to meet.
  const dataset = fc.oneof({ arbitrary: fc.constant(NODES), weight: 3 }, { arbitrary: fc.constant(EDGES), weight: 1 });
  return dataset.chain((ds) =>
    fc.oneof(
      { arbitrary: fc.record({ read: readRef, delta: delta(ds) }).map(({ read, delta: d }): FidelityOp => ({ kind: "datasets.commit", ds, read, delta: d })), weight: 24 },
      { arbitrary: atRef.map((at): FidelityOp => ({ kind: "datasets.checkout", ds, at })), weight: 3 },
      { arbitrary: atRef.map((at): FidelityOp => ({ kind: "datasets.restore", ds, at })), weight: 2 },
      { arbitrary: fc.constant<FidelityOp>({ kind: "datasets.versions", ds }), weight: 2 },
      { arbitrary: fc.constant<FidelityOp>({ kind: "datasets.cleanup", ds }), weight: 1 },
      { arbitrary: fc.constant<FidelityOp>({ kind: "datasets.latestVersion", ds }), weight: 1 },
      { arbitrary: fc.constant<FidelityOp>({ kind: "datasets.exists", ds }), weight: 1 },
      { arbitrary: fc.constant<FidelityOp>({ kind: "datasets.create", ds }), weight: 1 },
      { arbitrary: datasetBranchOp(ds), weight: 6 },
    ),
  );
}

/** Graph-branch forks of a table: a fork at a version, writes and reads on it, list, contents, delete. */
function datasetBranchOp(ds: DatasetPath): fc.Arbitrary<FidelityOp> {
  const name = fc.constantFrom(...DATASET_BRANCHES);
  return fc.oneof(
    {
      arbitrary: fc
        .record({ name, from: fc.constantFrom(null, ...DATASET_BRANCHES), at: atRef })
        .map(({ name: n, from, at }): FidelityOp => ({ kind: "datasets.createBranch", ds, name: n, from, at })),
      weight: 3,
    },
    { arbitrary: fc.record({ branch: name, read: readRef, delta: delta(ds) }).map((c): FidelityOp => ({ kind: "datasets.commit", ds, ...c })), weight: 4 },
    { arbitrary: fc.record({ branch: name, at: atRef }).map((c): FidelityOp => ({ kind: "datasets.checkout", ds, ...c })), weight: 1 },
    { arbitrary: name.map((n): FidelityOp => ({ kind: "datasets.latestVersion", ds, branch: n })), weight: 1 },
    { arbitrary: name.map((n): FidelityOp => ({ kind: "datasets.deleteBranch", ds, name: n })), weight: 1 },
    { arbitrary: name.map((n): FidelityOp => ({ kind: "datasets.branchContents", ds, name: n })), weight: 1 },
    { arbitrary: fc.constant<FidelityOp>({ kind: "datasets.listBranches", ds }), weight: 1 },
  );
}

const manifestRow: fc.Arbitrary<ManifestRow> = fc.record(
  {
    objectId: fc.constantFrom(...OBJECT_IDS),
    objectType: fc.constantFrom("table", "table_version", "table_tombstone", "graph_head"),
    tableKey: fc.constantFrom(null, "node:Person", "edge:Knows"),
    location: fc.constantFrom("nodes/8f2a" as DatasetPath, "edges/19c0" as DatasetPath),
    tableVersion: fc.integer({ min: 1, max: 9 }).map(version),
    tableBranch: fc.constantFrom(null, "feature"),
    rowCount: fc.integer({ min: 0, max: 5 }),
    metadata: fc.string({ unit: "grapheme", maxLength: 6 }),
  },
  { requiredKeys: ["objectId", "objectType", "tableKey"] },
);

const branch: fc.Arbitrary<string | null> = fc.oneof(
  { arbitrary: fc.constant(null), weight: 3 },
  { arbitrary: fc.constant("feature"), weight: 2 },
  { arbitrary: fc.constantFrom("b2", "__schema_apply_lock__"), weight: 2 },
);

function manifestOp(): fc.Arbitrary<FidelityOp> {
  return fc.oneof(
    {
      arbitrary: fc
        .record({ branch, read: readRef, rows: fc.uniqueArray(manifestRow, { selector: (r) => r.objectId, maxLength: 3 }) })
        .map((m): FidelityOp => ({ kind: "manifest.merge", ...m })),
      weight: 10,
    },
    { arbitrary: fc.record({ branch, read: readRef, rows: fc.array(manifestRow, { minLength: 2, maxLength: 2 }) }).map((m): FidelityOp => ({ kind: "manifest.merge", ...m })), weight: 1 },
    { arbitrary: fc.record({ branch, at: fc.option(atRef, { nil: null }) }).map((m): FidelityOp => ({ kind: "manifest.load", ...m })), weight: 3 },
    { arbitrary: fc.record({ name: fc.constantFrom("main", ...BRANCHES), from: branch }).map((m): FidelityOp => ({ kind: "manifest.createBranch", ...m })), weight: 4 },
    { arbitrary: fc.constantFrom(...BRANCHES).map((name): FidelityOp => ({ kind: "manifest.deleteBranch", name })), weight: 3 },
    { arbitrary: branch.map((b): FidelityOp => ({ kind: "manifest.latestVersion", branch: b })), weight: 1 },
    { arbitrary: fc.constant<FidelityOp>({ kind: "manifest.listBranches" }), weight: 1 },
    { arbitrary: fc.constantFrom(...BRANCHES).map((name): FidelityOp => ({ kind: "manifest.branchContents", name })), weight: 1 },
    { arbitrary: fc.constant<FidelityOp>({ kind: "manifest.exists" }), weight: 1 },
    { arbitrary: fc.constant<FidelityOp>({ kind: "manifest.create" }), weight: 1 },
  );
}

function objectOp(): fc.Arbitrary<FidelityOp> {
  // Three keys carry most of the traffic, so that gets, copies and deletes meet earlier puts.
  const key = fc.oneof({ arbitrary: fc.constantFrom(...KEYS.slice(0, 3)), weight: 4 }, { arbitrary: fc.constantFrom(...KEYS.slice(3)), weight: 1 });
  return fc.oneof(
    { arbitrary: fc.record({ key, body: fc.string({ unit: "grapheme", maxLength: 12 }) }).map((o): FidelityOp => ({ kind: "objects.put", ...o })), weight: 6 },
    { arbitrary: key.map((k): FidelityOp => ({ kind: "objects.get", key: k })), weight: 3 },
    { arbitrary: key.map((k): FidelityOp => ({ kind: "objects.exists", key: k })), weight: 1 },
    { arbitrary: fc.constantFrom(...PREFIXES).map((prefix): FidelityOp => ({ kind: "objects.list", prefix })), weight: 2 },
    { arbitrary: key.map((k): FidelityOp => ({ kind: "objects.delete", key: k })), weight: 2 },
    { arbitrary: fc.record({ key, body: fc.string({ unit: "grapheme", maxLength: 12 }) }).map((o): FidelityOp => ({ kind: "objects.putIfAbsent", ...o })), weight: 2 },
    { arbitrary: fc.record({ from: key, to: key }).map((o): FidelityOp => ({ kind: "objects.copy", ...o })), weight: 2 },
  );
}

/**
 * Sequences that start by creating some datasets, (usually) the manifest and a branch or a
 * fork of a branch, and some objects, so that most operations meet existing state, then draw
 * operations by `shape.mix`.
 */
export function sequences(shape: SequenceShape): fc.Arbitrary<FidelityOp[]> {
  const families = [
    { arbitrary: datasetOp(), weight: shape.mix.datasets },
    { arbitrary: manifestOp(), weight: shape.mix.manifest },
    { arbitrary: objectOp(), weight: shape.mix.objects },
  ].filter((f) => f.weight > 0);
  const setup = fc.record({
    // The busier dataset always; the other one now and then (so NotFound stays in the mix).
    datasets: shape.mix.datasets > 0 ? fc.boolean().map((both) => (both ? [NODES, EDGES] : [NODES])) : fc.constant<DatasetPath[]>([]),
    manifest: shape.mix.manifest > 0 ? fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 }) : fc.constant(false),
    // 0: no branch; 1: feature from main; 2: and b2 forked from feature.
    forks: shape.mix.manifest > 0 ? fc.integer({ min: 0, max: 2 }) : fc.constant(0),
    objects: shape.mix.objects > 0 ? fc.subarray(KEYS.slice(0, 3)) : fc.constant<string[]>([]),
  });
  const forks: FidelityOp[] = [
    { kind: "manifest.createBranch", name: "feature", from: null },
    { kind: "manifest.createBranch", name: "b2", from: "feature" },
  ];
  return fc.tuple(setup, fc.array(fc.oneof(...families), { minLength: shape.minLength, maxLength: shape.maxLength })).map(([s, ops]) => [
    ...s.datasets.map((ds): FidelityOp => ({ kind: "datasets.create", ds })),
    ...(s.manifest ? [{ kind: "manifest.create" } as const, ...forks.slice(0, s.forks)] : []),
    ...s.objects.map((key): FidelityOp => ({ kind: "objects.put", key, body: `{"key":"${key}"}` })),
    ...ops,
  ]);
}

export const DATASET_HEAVY: Mix = { datasets: 1, manifest: 0, objects: 0 };
export const MANIFEST_AND_OBJECTS: Mix = { datasets: 0, manifest: 3, objects: 3 };
export const EVERYTHING: Mix = { datasets: 3, manifest: 2, objects: 1 };
