// The virtual `__manifest` dataset: versions holding every visible row keyed by objectId, a
// merge-insert with row-level compare-and-swap on objectId (Lance's unenforced primary key),
// and branches that fork from a branch's HEAD and keep its numbering.
import { StorageError } from "../../engine/storage/errors.ts";
import {
  version,
  type Branch,
  type BranchContents,
  type ManifestRow,
  type ManifestSnapshot,
  type ManifestStore,
  type Version,
} from "../../engine/storage/types.ts";
import { branchLabel, chainOf, entryAt, forkOf, refsStartingWith, versionsSince, withChain, withFork, withoutBranch, type Refs } from "./refs.ts";
import { settle } from "./settle.ts";

/** One committed manifest version. */
export interface ManifestVersion {
  readonly version: Version;
  /** The Lance operation: a merge-insert is an Update; a compaction is ReserveFragments then Rewrite. */
  readonly op: "Create" | "Update" | "ReserveFragments" | "Rewrite";
  /** Every row visible at this version, sorted by objectId, frozen: what `load` hands out. */
  readonly rows: readonly ManifestRow[];
  /** The objectIds this commit wrote: what the row-level CAS of later commits checks. */
  readonly touched: ReadonlySet<string>;
  /**
   * The fragment each row lives in (a merge-insert moves the rows it writes to a new one):
   * `fragments[i]` is the fragment of `rows[i]`. A list beside the rows rather than a map by
   * objectId, because every merge copies it: a list copies in one pass of small integers, a map
   * rehashes an entry per row (the copy was most of what a publish allocated). Look a row up
   * with `fragmentOfRow`.
   */
  readonly fragments: readonly number[];
  readonly nextFragment: number;
  /** Existing fragments this commit rewrote or removed: what stale merges and compactions compare. */
  readonly modified: ReadonlySet<number>;
}

/** Null until `create`. */
export type ManifestState = Refs<ManifestVersion> | null;

export const NO_MANIFEST: ManifestState = null;

const OWNER = "dataset __manifest";

export class VirtualManifest implements ManifestStore {
  /** Called after each durable part of a multi-commit call (see `VirtualDatasets.onPart`). */
  onPart: (() => void) | null = null;

  constructor(private current: ManifestState) {}

  /** The durable state right now: a value never changed once built, so taking it is O(1). */
  get state(): ManifestState {
    return this.current;
  }

  /** Makes `state` the durable state (see `VirtualStore.restore`). */
  restoreState(state: ManifestState): void {
    this.current = state;
  }

  create(rows: readonly ManifestRow[] = []): Promise<Version> {
    return settle(() => this.createNow(rows));
  }

  createNow(rows: readonly ManifestRow[] = []): Version {
    if (this.current !== null) throw new StorageError("AlreadyExists", "Dataset already exists: __manifest");
    const incoming = uniqueByObjectId(rows);
    const { rows: merged, fragments } = mergedRows(NO_ROWS, NO_FRAGMENTS, incoming, 0);
    const first: ManifestVersion = Object.freeze({
      version: version(1),
      op: "Create",
      rows: merged,
      touched: new Set(incoming.keys()),
      fragments,
      nextFragment: 1,
      modified: new Set<number>(),
    });
    this.current = refsStartingWith(first);
    return first.version;
  }

  exists(): Promise<boolean> {
    return settle(() => this.existsNow());
  }

  existsNow(): boolean {
    return this.current !== null;
  }

  latestVersion(branch: Branch): Promise<Version> {
    return settle(() => this.latestVersionNow(branch));
  }

  latestVersionNow(branch: Branch): Version {
    return chainOf(this.refs(), branch, OWNER).head.version;
  }

  load(branch: Branch, at?: Version): Promise<ManifestSnapshot> {
    return settle(() => this.loadNow(branch, at));
  }

  loadNow(branch: Branch, at?: Version): ManifestSnapshot {
    const chain = chainOf(this.refs(), branch, OWNER);
    const entry = at === undefined ? chain.head : entryAt(chain, branch, at);
    return { branch, version: entry.version, rows: sortedRowsOf(entry) };
  }

  merge(branch: Branch, readVersion: Version, rows: readonly ManifestRow[]): Promise<Version> {
    return settle(() => this.mergeNow(branch, readVersion, rows));
  }

  mergeNow(branch: Branch, readVersion: Version, rows: readonly ManifestRow[]): Version {
    const refs = this.refs();
    const chain = chainOf(refs, branch, OWNER);
    const intervening = versionsSince(chain, branch, readVersion);
    const incoming = uniqueByObjectId(rows);
    const read = intervening.length > 0 ? entryAt(chain, branch, readVersion) : chain.head;
    for (const later of intervening) {
      for (const objectId of incoming.keys()) {
        if (later.touched.has(objectId)) {
          throw new StorageError(
            "TooMuchWriteContention",
            `Too much write contention: row ${objectId} was written by concurrent version ${later.version} ` +
              `of ${branchLabel(branch)} after read version ${readVersion}`,
          );
        }
        // A row this merge rewrites lived, at its read version, in a fragment a compaction has
        // rewritten since: Lance's resolver refuses the Update (retryably), and the publisher's
        // merge-insert (no retries of its own) reports that as contention.
        const fragment = fragmentOfRow(read, objectId);
        if (later.op === "Rewrite" && fragment !== undefined && later.modified.has(fragment)) {
          throw new StorageError(
            "TooMuchWriteContention",
            `Too much write contention: row ${objectId} was rewritten by the compaction at version ${later.version} ` +
              `of ${branchLabel(branch)} after read version ${readVersion}`,
          );
        }
      }
    }
    // No shared objectId: rebase onto HEAD. A matched objectId is replaced whole (UpdateAll),
    // and every row written moves to one new fragment.
    const head = chain.head;
    const modified = new Set<number>();
    for (const objectId of incoming.keys()) {
      const old = fragmentOfRow(head, objectId);
      if (old !== undefined) modified.add(old);
    }
    const { rows: merged, fragments } = mergedRows(head.rows, head.fragments, incoming, head.nextFragment);
    const next: ManifestVersion = Object.freeze({
      version: chain.nextVersion,
      op: "Update",
      rows: merged,
      touched: new Set(incoming.keys()),
      fragments,
      nextFragment: head.nextFragment + 1,
      modified,
    });
    this.current = withChain(refs, branch, chain.append(next));
    return next.version;
  }

  compact(branch: Branch, readVersion: Version): Promise<Version | null> {
    return settle(() => this.compactNow(branch, readVersion));
  }

  compactNow(branch: Branch, readVersion: Version): Version | null {
    const refs = this.refs();
    const chain = chainOf(refs, branch, OWNER);
    const intervening = versionsSince(chain, branch, readVersion);
    const read = intervening.length > 0 ? entryAt(chain, branch, readVersion) : chain.head;
    const planned = new Set(read.fragments);
    // `plan_compaction` at the read version: a lone fragment is left alone.
    if (planned.size < 2) return null;
    for (const later of intervening) {
      if ((later.op === "Update" || later.op === "Rewrite") && [...later.modified].some((f) => planned.has(f))) {
        throw new StorageError(
          "RetryableCommitConflict",
          `Retryable commit conflict for version ${later.version}: This Rewrite transaction was preempted by ` +
            `concurrent transaction ${later.op} at version ${later.version}. Please retry.`,
        );
      }
    }
    const head = chain.head;
    const reserve: ManifestVersion = Object.freeze({ ...head, version: chain.nextVersion, op: "ReserveFragments", touched: new Set<string>(), modified: new Set<number>() });
    const reserved = chain.append(reserve);
    if (this.onPart) {
      this.current = withChain(refs, branch, reserved);
      this.onPart();
    }
    const modified = new Set<number>();
    const fragments = head.fragments.map((fragment) => {
      if (!planned.has(fragment)) return fragment;
      modified.add(fragment);
      return head.nextFragment;
    });
    const rewrite: ManifestVersion = Object.freeze({
      version: reserved.nextVersion,
      op: "Rewrite",
      rows: head.rows,
      touched: new Set<string>(),
      fragments: Object.freeze(fragments),
      nextFragment: head.nextFragment + 1,
      modified,
    });
    this.current = withChain(refs, branch, reserved.append(rewrite));
    return rewrite.version;
  }

  createBranch(name: string, from: Branch, at?: Version): Promise<void> {
    return settle(() => this.createBranchNow(name, from, at));
  }

  createBranchNow(name: string, from: Branch, at?: Version): void {
    // Sharing the parent's chain up to the fork point: same history, same numbering from there on.
    this.current = withFork(this.refs(), name, from, at, OWNER);
  }

  deleteBranch(name: string): Promise<void> {
    return settle(() => this.deleteBranchNow(name));
  }

  deleteBranchNow(name: string): void {
    this.current = withoutBranch(this.refs(), name, OWNER);
  }

  listBranches(): Promise<string[]> {
    return settle(() => this.listBranchesNow());
  }

  listBranchesNow(): string[] {
    return [...this.refs().branches.keys()].sort();
  }

  branchContents(name: string): Promise<BranchContents> {
    return settle(() => this.branchContentsNow(name));
  }

  branchContentsNow(name: string): BranchContents {
    return forkOf(this.refs(), name, OWNER);
  }

  private refs(): Refs<ManifestVersion> {
    if (this.current === null) throw new StorageError("NotFound", "Dataset at path __manifest was not found");
    return this.current;
  }
}

/** A version's rows, sorted by objectId. */
export function sortedRowsOf(entry: ManifestVersion): readonly ManifestRow[] {
  return entry.rows;
}

/**
 * The fragment `objectId`'s row lives in at `entry`, or undefined when no row has that id: a
 * binary search of the sorted rows (ordered by UTF-16 code units, as `<` compares strings).
 */
export function fragmentOfRow(entry: Pick<ManifestVersion, "rows" | "fragments">, objectId: string): number | undefined {
  const { rows } = entry;
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const id = rows[mid]!.objectId;
    if (id === objectId) return entry.fragments[mid];
    if (id < objectId) lo = mid + 1;
    else hi = mid;
  }
  return undefined;
}

const NO_ROWS: readonly ManifestRow[] = Object.freeze([]);
const NO_FRAGMENTS: readonly number[] = Object.freeze([]);

/**
 * HEAD's sorted rows with `incoming` merged in (a matched objectId replaced whole), and each
 * row's fragment: HEAD's for the rows kept, `into` for the rows written. Two passes over two
 * sorted lists: one to count the rows, so both lists are made at their size (not grown row by
 * row), one to fill them. Order is by UTF-16 code units, as `Array.prototype.sort` orders strings.
 */
function mergedRows(
  head: readonly ManifestRow[],
  headFragments: readonly number[],
  incoming: ReadonlyMap<string, ManifestRow>,
  into: number,
): { rows: readonly ManifestRow[]; fragments: readonly number[] } {
  const added = [...incoming.values()].sort((a, b) => (a.objectId < b.objectId ? -1 : a.objectId > b.objectId ? 1 : 0));
  let size = head.length + added.length;
  for (let i = 0, j = 0; i < head.length && j < added.length; ) {
    const a = head[i]!.objectId;
    const b = added[j]!.objectId;
    if (a < b) i++;
    else if (a > b) j++;
    else {
      size--;
      i++;
      j++;
    }
  }
  const rows = new Array<ManifestRow>(size);
  const fragments = new Array<number>(size);
  let i = 0;
  let j = 0;
  for (let k = 0; k < size; k++) {
    const a = i < head.length ? head[i]!.objectId : null;
    const b = j < added.length ? added[j]!.objectId : null;
    if (b === null || (a !== null && a < b)) {
      fragments[k] = headFragments[i]!;
      rows[k] = head[i++]!;
    } else {
      if (a === b) i++;
      fragments[k] = into;
      rows[k] = added[j++]!;
    }
  }
  return { rows: Object.freeze(rows), fragments: Object.freeze(fragments) };
}

/** Frozen copies keyed by objectId; two rows for one objectId make the merge ambiguous, as in Lance. */
function uniqueByObjectId(rows: readonly ManifestRow[]): ReadonlyMap<string, ManifestRow> {
  const byId = new Map<string, ManifestRow>();
  for (const row of rows) {
    if (byId.has(row.objectId)) {
      throw new StorageError("InvalidInput", `Invalid input, merge has more than one source row with objectId ${row.objectId}`);
    }
    byId.set(row.objectId, Object.freeze({ ...row }));
  }
  return byId;
}

/**
 * The virtual manifest behind `store`, for reads that need no scheduling point (the oracles,
 * after the run, read every version of a history: through the async seam each read costs a
 * promise and a turn of the microtask queue, thousands per crash-state future); null for any
 * other store (real Lance), which is read through the seam.
 */
export function manifestReadableNow(store: ManifestStore): VirtualManifest | null {
  return store instanceof VirtualManifest ? store : null;
}
