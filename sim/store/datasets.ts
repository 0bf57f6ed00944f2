// The virtual Lance datasets: immutable versions per ref, typed transactions, rebase over
// compatible concurrent commits, Restore that always wins, and cleanup of old versions.
// Every method applies its whole effect at once (its `...Now` form), so each call is atomic at
// the moment the scheduler lets it run.
import { StorageError } from "../../engine/storage/errors.ts";
import {
  version,
  type Branch,
  type BranchContents,
  type CommitResult,
  type DatasetPath,
  type DatasetSnapshot,
  type DatasetStore,
  type LanceOp,
  type Row,
  type TxnDelta,
  type Version,
  type VersionInfo,
} from "../../engine/storage/types.ts";
import { checkStaleCommit, loggedOp, plannedAtRead, staleFootprint } from "../../engine/storage/conflict-rule.ts";
import {
  applyDelta,
  EMPTY_CONTENT,
  fragmentIds,
  restoredContent,
  snapshotOf,
  type DatasetContent,
  type FragmentId,
} from "./dataset-content.ts";
import { chainOf, entryAt, forkOf, refsStartingWith, versionsSince, withChain, withFork, withoutBranch, type Refs } from "./refs.ts";
import type { VersionChain } from "./version-chain.ts";
import { emptyMap, withEntry } from "./cow.ts";
import { settle } from "./settle.ts";

/** One committed dataset version. */
export interface DatasetVersion {
  readonly version: Version;
  readonly op: LanceOp;
  readonly readVersion: Version;
  readonly content: DatasetContent;
  /** Existing fragments this commit rewrote or removed: what later conflict checks compare. */
  readonly touched: ReadonlySet<FragmentId>;
}

export type DatasetsState = ReadonlyMap<DatasetPath, Refs<DatasetVersion>>;

export const NO_DATASETS: DatasetsState = emptyMap();

/** Create is built on nothing: Lance records read version 0 for it. */
const NOTHING_READ = version(0);

export class VirtualDatasets implements DatasetStore {
  /**
   * Called after each durable part of a call that real Lance makes as several commits or
   * deletes (a compaction's ReserveFragments before its Rewrite, a cleanup's removal of each old
   * version): the crash-state enumeration cuts between them (see `VirtualStore.partsOf`).
   */
  onPart: (() => void) | null = null;

  constructor(private current: DatasetsState) {}

  /** The durable state right now: a persistent value, so taking it is O(1). */
  get state(): DatasetsState {
    return this.current;
  }

  /** Makes `state` the durable state (see `VirtualStore.restore`). */
  restoreState(state: DatasetsState): void {
    this.current = state;
  }

  create(path: DatasetPath, rows: readonly Row[] = []): Promise<Version> {
    return settle(() => this.createNow(path, rows));
  }

  createNow(path: DatasetPath, rows: readonly Row[] = []): Version {
    if (this.current.has(path)) throw new StorageError("AlreadyExists", `Dataset already exists: ${path}`);
    const first: DatasetVersion = Object.freeze({
      version: version(1),
      op: "Create",
      readVersion: NOTHING_READ,
      content: rows.length === 0 ? EMPTY_CONTENT : applyDelta(EMPTY_CONTENT, { op: "Append", rows }).content,
      touched: new Set<FragmentId>(),
    });
    this.current = withEntry(this.current, path, refsStartingWith(first));
    return first.version;
  }

  exists(path: DatasetPath): Promise<boolean> {
    return settle(() => this.existsNow(path));
  }

  existsNow(path: DatasetPath): boolean {
    return this.current.has(path);
  }

  latestVersion(path: DatasetPath, branch: Branch): Promise<Version> {
    return settle(() => this.latestVersionNow(path, branch));
  }

  latestVersionNow(path: DatasetPath, branch: Branch): Version {
    return this.chain(path, branch).head.version;
  }

  checkout(path: DatasetPath, branch: Branch, at: Version): Promise<DatasetSnapshot> {
    return settle(() => this.checkoutNow(path, branch, at));
  }

  checkoutNow(path: DatasetPath, branch: Branch, at: Version): DatasetSnapshot {
    return snapshotOf(entryAt(this.chain(path, branch), branch, at).content, at);
  }

  commit(path: DatasetPath, branch: Branch, readVersion: Version, delta: TxnDelta): Promise<CommitResult> {
    return settle(() => this.commitNow(path, branch, readVersion, delta));
  }

  commitNow(path: DatasetPath, branch: Branch, readVersion: Version, delta: TxnDelta): CommitResult {
    const chain = this.chain(path, branch);
    const intervening = versionsSince(chain, branch, readVersion);
    // A rebase applies the delta to HEAD's content; the version records what it touched there.
    // A staged merge-insert was planned at its read version.
    const planned = plannedAtRead(delta.op) ? entryAt(chain, branch, readVersion).content : chain.head.content;
    const outcome = applyDelta(chain.head.content, delta, planned);
    if (intervening.length > 0) {
      const read = entryAt(chain, branch, readVersion).content;
      checkStaleCommit(staleFootprint(delta.op, outcome.touched, fragmentIds(read), outcome.touchedAtRead), intervening);
    }
    // Lance's `compact_files` commits a ReserveFragments for the new fragment ids, then the
    // Rewrite: two versions when two or more fragments were merged (a lone fragment rewritten
    // stays one version here; Lance commits none, a normalized difference: docs/fidelity.md).
    const compacts = delta.op === "Rewrite" && outcome.touched.size > 1;
    const reserved = compacts ? this.appendReserve(path, branch, chain, readVersion) : chain;
    const committed = this.append(path, branch, reserved, {
      op: loggedOp(delta.op),
      readVersion,
      content: outcome.content,
      touched: outcome.touched,
    });
    return { version: committed, rowsAffected: outcome.rowsAffected };
  }

  restore(path: DatasetPath, branch: Branch, at: Version): Promise<Version> {
    return settle(() => this.restoreNow(path, branch, at));
  }

  restoreNow(path: DatasetPath, branch: Branch, at: Version): Version {
    const chain = this.chain(path, branch);
    const target = entryAt(chain, branch, at);
    const head = chain.head.content;
    // Restore is checked against nothing: it wins, and what came between is orphaned.
    return this.append(path, branch, chain, {
      op: "Restore",
      readVersion: at,
      content: restoredContent(target.content, head),
      touched: fragmentIds(head),
    });
  }

  versions(path: DatasetPath, branch: Branch): Promise<VersionInfo[]> {
    return settle(() => this.versionsNow(path, branch));
  }

  versionsNow(path: DatasetPath, branch: Branch): VersionInfo[] {
    return this.chain(path, branch)
      .toArray()
      .map(({ version: v, op, readVersion }) => ({ version: v, op, readVersion }));
  }

  cleanup(path: DatasetPath, branch: Branch): Promise<number> {
    return settle(() => this.cleanupNow(path, branch));
  }

  cleanupNow(path: DatasetPath, branch: Branch): number {
    const chain = this.chain(path, branch);
    const refs = this.refs(path);
    // Lance deletes each old version's files on its own, oldest first here: every prefix of
    // the removals is a durable state a crash can leave.
    if (this.onPart) {
      for (let n = 1; n < chain.size - 1; n++) {
        this.current = withEntry(this.current, path, withChain(refs, branch, chain.withoutOldest(n)));
        this.onPart();
      }
    }
    this.current = withEntry(this.current, path, withChain(refs, branch, chain.headOnly()));
    return chain.size - 1;
  }

  createBranch(path: DatasetPath, name: string, from: Branch, at: Version): Promise<void> {
    return settle(() => this.createBranchNow(path, name, from, at));
  }

  createBranchNow(path: DatasetPath, name: string, from: Branch, at: Version): void {
    this.current = withEntry(this.current, path, withFork(this.refs(path), name, from, at, `dataset ${path}`));
  }

  deleteBranch(path: DatasetPath, name: string): Promise<void> {
    return settle(() => this.deleteBranchNow(path, name));
  }

  deleteBranchNow(path: DatasetPath, name: string): void {
    this.current = withEntry(this.current, path, withoutBranch(this.refs(path), name, `dataset ${path}`));
  }

  listBranches(path: DatasetPath): Promise<string[]> {
    return settle(() => this.listBranchesNow(path));
  }

  listBranchesNow(path: DatasetPath): string[] {
    return [...this.refs(path).branches.keys()].sort();
  }

  branchContents(path: DatasetPath, name: string): Promise<BranchContents> {
    return settle(() => this.branchContentsNow(path, name));
  }

  branchContentsNow(path: DatasetPath, name: string): BranchContents {
    return forkOf(this.refs(path), name, `dataset ${path}`);
  }

  private refs(path: DatasetPath): Refs<DatasetVersion> {
    const refs = this.current.get(path);
    if (refs === undefined) throw new StorageError("NotFound", `Dataset at path ${path} was not found`);
    return refs;
  }

  private chain(path: DatasetPath, branch: Branch): VersionChain<DatasetVersion> {
    return chainOf(this.refs(path), branch, `dataset ${path}`);
  }

  /** A ReserveFragments version (content unchanged) on `chain`; the chain after it. */
  private appendReserve(path: DatasetPath, branch: Branch, chain: VersionChain<DatasetVersion>, readVersion: Version): VersionChain<DatasetVersion> {
    this.append(path, branch, chain, { op: "ReserveFragments", readVersion, content: chain.head.content, touched: new Set<FragmentId>() });
    this.onPart?.();
    return this.chain(path, branch);
  }

  private append(
    path: DatasetPath,
    branch: Branch,
    chain: VersionChain<DatasetVersion>,
    entry: Omit<DatasetVersion, "version">,
  ): Version {
    const next: DatasetVersion = Object.freeze({ version: chain.nextVersion, ...entry });
    this.current = withEntry(this.current, path, withChain(this.refs(path), branch, chain.append(next)));
    return next.version;
  }
}
