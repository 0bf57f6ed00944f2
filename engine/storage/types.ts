// The storage seam. The engine sees storage only through these interfaces; the simulator's
// virtual store and the real backend on @lancedb/lancedb both implement them. Every method is
// one durable step (one scheduling point under the simulator).

/** A Lance dataset or manifest version number. Versions start at 1 (the empty create). */
export type Version = number & { readonly __brand: "Version" };

export function version(n: number): Version {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a version: ${n}`);
  return n as Version;
}

/** A graph table: one Lance dataset per node type and per edge type. */
export type TableKey = `node:${string}` | `edge:${string}`;

/** A dataset's location relative to the graph root, e.g. `nodes/9f3a...`. */
export type DatasetPath = string & { readonly __brand: "DatasetPath" };

/** A branch of a dataset (a Lance ref); null is main. */
export type Branch = string | null;

export type Scalar = string | number | boolean | null;

/** One row of a dataset. `id` is the node @key value, a ULID, or an edge id. */
export interface Row {
  readonly id: string;
  readonly [column: string]: Scalar;
}

/** The Lance transaction kinds the engine relies on. */
export type LanceOp =
  | "Create"
  | "Append"
  | "Merge"
  | "Update"
  | "Delete"
  | "Overwrite"
  | "Rewrite"
  | "ReserveFragments"
  | "CreateIndex"
  | "UpdateConfig"
  | "Restore";

/** Rows selected by column value: a row matches when any clause matches it. */
export interface RowPredicate {
  readonly anyOf: readonly { readonly column: string; readonly in: readonly Scalar[] }[];
}

/** A transaction's effect, applied to the content of the version it commits on. */
export type TxnDelta =
  | { readonly op: "Append"; readonly rows: readonly Row[] }
  /**
   * Merge-insert on `id` as LanceDB's `mergeInsert` runs it: matched rows are replaced, others
   * inserted, re-executed on the content it lands on (LanceDB retries it internally).
   */
  | { readonly op: "Merge"; readonly rows: readonly Row[] }
  /**
   * Merge-insert on `id` as upstream's keyed writes commit it: planned at the read version
   * (`stage_merge_insert`, Lance's `execute_uncommitted`) and committed once, never re-executed
   * (`commit_staged`). Rows whose id is in the read version are moved out of their fragments,
   * every row goes into one new fragment; Lance logs it as an `Update` whose footprint is the
   * read version's fragments it rewrote. A key absent at the read version is inserted even if
   * a concurrent writer inserted it since.
   */
  | { readonly op: "StagedMergeInsert"; readonly rows: readonly Row[] }
  /** Replaces rows that exist by `id`; rows that no longer exist are skipped. */
  | { readonly op: "Update"; readonly rows: readonly Row[] }
  /** Deletes the rows matching `where` in the content it commits on. */
  | { readonly op: "Delete"; readonly where: RowPredicate }
  /** Replaces the whole content; indices are dropped. */
  | { readonly op: "Overwrite"; readonly rows: readonly Row[] }
  /**
   * Compaction (Lance's `compact_files`): merges every fragment into one, content unchanged;
   * commits a ReserveFragments version and then the Rewrite (two versions; the result is the
   * Rewrite's). Real Lance may add none (nothing it will compact) or one more (an index delta).
   */
  | { readonly op: "Rewrite" }
  | { readonly op: "ReserveFragments" }
  | { readonly op: "CreateIndex"; readonly index: string }
  | { readonly op: "UpdateConfig"; readonly key: string; readonly value: string | null };

/** One entry of a dataset's version history. */
export interface VersionInfo {
  readonly version: Version;
  readonly op: LanceOp;
  /** The version the committing transaction was built on. */
  readonly readVersion: Version;
}

/** A checked-out dataset version. */
export interface DatasetSnapshot {
  readonly version: Version;
  /** Rows sorted by id. */
  readonly rows: readonly Row[];
  readonly indices: readonly string[];
  readonly fragments: number;
}

export interface CommitResult {
  readonly version: Version;
  /** Rows the delta changed in the content it landed on (0 for a rebased no-op delete). */
  readonly rowsAffected: number;
}

/** Where a named branch came from (Lance's `BranchContents`): its parent ref and the version it forked at. */
export interface BranchContents {
  readonly parent: Branch;
  readonly parentVersion: Version;
}

export interface DatasetStore {
  /**
   * Creates the dataset at version 1 holding `rows` (Lance's `Dataset::write` in Create mode:
   * one commit, empty when no rows). AlreadyExists if present.
   */
  create(path: DatasetPath, rows?: readonly Row[]): Promise<Version>;
  exists(path: DatasetPath): Promise<boolean>;
  /** HEAD of `branch`. NotFound if the dataset or branch is missing. */
  latestVersion(path: DatasetPath, branch: Branch): Promise<Version>;
  /** The content at `version`. VersionNotFound if it never existed or was cleaned up. */
  checkout(path: DatasetPath, branch: Branch, at: Version): Promise<DatasetSnapshot>;
  /**
   * Commits `delta` built on `readVersion` (one version; a compaction two). On HEAD it appends; otherwise every version after
   * `readVersion` is checked: compatible ones are rebased over, incompatible ones raise
   * CommitConflict or RetryableCommitConflict (engine-model section 10.2).
   */
  commit(path: DatasetPath, branch: Branch, readVersion: Version, delta: TxnDelta): Promise<CommitResult>;
  /** Commits a new HEAD holding `at`'s content. Always wins; what came between is orphaned. */
  restore(path: DatasetPath, branch: Branch, at: Version): Promise<Version>;
  /** The version history of `branch`, oldest first, without cleaned-up versions. */
  versions(path: DatasetPath, branch: Branch): Promise<VersionInfo[]>;
  /** Deletes every version older than HEAD; adds no version. Returns how many were removed. */
  cleanup(path: DatasetPath, branch: Branch): Promise<number>;
  /**
   * Creates branch `name` of the dataset forked from `from` at `at` (Lance's `create_branch`):
   * its HEAD is `at`, its history up to `at` is the parent's, and commits on it number on from
   * there. AlreadyExists if the dataset has a branch of that name; VersionNotFound if `at` is not
   * a retained version of `from`.
   */
  createBranch(path: DatasetPath, name: string, from: Branch, at: Version): Promise<void>;
  /** Deletes branch `name`. NotFound if absent; RefConflict while another branch is forked from it. */
  deleteBranch(path: DatasetPath, name: string): Promise<void>;
  /** The names of the dataset's branches, sorted: Lance's LIST of its branch refs, one step. */
  listBranches(path: DatasetPath): Promise<string[]>;
  /** One listed branch's ref (a separate step from the LIST); NotFound once the branch is deleted. */
  branchContents(path: DatasetPath, name: string): Promise<BranchContents>;
}

/** Kinds of `__manifest` rows. */
export type ManifestRowType =
  | "table"
  | "table_version"
  | "table_tombstone"
  | "graph_head"
  | "lease"
  /**
   * The manifest dataset's own metadata (its config and its internal-schema stamp), which
   * upstream keeps in Lance's dataset config and schema metadata: one commit each, no data row.
   */
  | "metadata";

/** One `__manifest` row, identified by `objectId` (the unenforced primary key). */
export interface ManifestRow {
  readonly objectId: string;
  readonly objectType: ManifestRowType;
  readonly tableKey: TableKey | null;
  /** Registration rows: the dataset path. */
  readonly location?: DatasetPath;
  /** Version and tombstone rows: the table version. */
  readonly tableVersion?: Version;
  readonly tableBranch?: Branch;
  readonly rowCount?: number;
  /** Free-form JSON (graph_head rows carry their token here). */
  readonly metadata?: string;
}

export interface ManifestSnapshot {
  readonly branch: Branch;
  readonly version: Version;
  /** Every row visible at `version`, sorted by objectId. */
  readonly rows: readonly ManifestRow[];
}

export interface ManifestStore {
  /** Creates `__manifest` at version 1 holding `rows` (one Create commit). AlreadyExists if present. */
  create(rows?: readonly ManifestRow[]): Promise<Version>;
  exists(): Promise<boolean>;
  latestVersion(branch: Branch): Promise<Version>;
  /** All rows at `at` (default HEAD) of `branch`. */
  load(branch: Branch, at?: Version): Promise<ManifestSnapshot>;
  /**
   * Merge-insert `rows` on objectId (update-all when matched, insert otherwise), built on
   * `readVersion`. Row-level compare-and-swap: TooMuchWriteContention when a version after
   * `readVersion` wrote any of the same objectIds; otherwise it rebases.
   */
  merge(branch: Branch, readVersion: Version, rows: readonly ManifestRow[]): Promise<Version>;
  /**
   * Compacts `branch` in place (Lance's `compact_files`: ReserveFragments, then Rewrite),
   * planned at `readVersion`: null (nothing committed) when that version has fewer than two
   * fragments; otherwise RetryableCommitConflict if a merge or compaction since rewrote one of
   * them, else the Rewrite's version. Rows are unchanged. A merge rewriting a row whose fragment
   * a compaction since `readVersion` rewrote is TooMuchWriteContention (the publisher's
   * merge-insert runs with no retries of its own, so Lance reports the conflict so).
   */
  compact(branch: Branch, readVersion: Version): Promise<Version | null>;
  /**
   * Creates a manifest branch forked from `from` at `at` (default its HEAD). AlreadyExists if
   * present; VersionNotFound if `at` is not a retained version of `from`.
   */
  createBranch(name: string, from: Branch, at?: Version): Promise<void>;
  /** NotFound if absent; RefConflict while another branch is forked from it. */
  deleteBranch(name: string): Promise<void>;
  /** Branch names other than main, sorted: Lance's LIST of the branch refs, one step. */
  listBranches(): Promise<string[]>;
  /** One listed branch's ref (a separate step from the LIST); NotFound once the branch is deleted. */
  branchContents(name: string): Promise<BranchContents>;
}

/** Plain objects under the graph root: sidecars, schema files and their staging copies. */
export interface ObjectStore {
  /** Atomic put; overwrites. */
  put(key: string, body: string): Promise<void>;
  /** Atomic create: writes `body` only if `key` is absent; whether it wrote. */
  putIfAbsent(key: string, body: string): Promise<boolean>;
  /** NotFound if absent. */
  get(key: string): Promise<string>;
  exists(key: string): Promise<boolean>;
  /** Keys under `prefix`, sorted. A separate step from any `get` of them. */
  list(prefix: string): Promise<string[]>;
  /** Deleting an absent key succeeds. */
  delete(key: string): Promise<void>;
  /**
   * Copies `from` over `to` (atomic at `to`). NotFound if `from` is absent. There is no rename:
   * on object stores upstream's `rename_text` is this copy followed by a delete
   * (`engine/storage/rename-text.ts`), and a crash between the two leaves both.
   */
  copy(from: string, to: string): Promise<void>;
}

export interface Storage {
  readonly datasets: DatasetStore;
  readonly manifest: ManifestStore;
  readonly objects: ObjectStore;
}
