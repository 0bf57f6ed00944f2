// The seam's DatasetStore on LanceDB: one Lance table per dataset path, Lance's own version
// numbers, and the adapter's op log (op-log.ts) for what LanceDB does not expose or enforce.
//
// A dataset's branches are Lance branches of its table (`table.branches()`), each with an op log
// of its own holding, as the manifest's do (manifest.ts), the parent's entries up to the fork:
// a version before the fork is read from the ref that holds it.
import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import {
  version,
  type Branch,
  type BranchContents,
  type CommitResult,
  type DatasetPath,
  type DatasetSnapshot,
  type DatasetStore,
  type Row,
  type TxnDelta,
  type Version,
  type VersionInfo,
} from "../../engine/storage/types.ts";
import { checkStaleCommit, countsReadFragments, staleFootprint } from "../../engine/storage/conflict-rule.ts";
import { arrowTable, DATA_SCHEMA } from "./arrow-schemas.ts";
import { dataRecord } from "./row-codec.ts";
import type { LanceConnections, LanceTable } from "./connection.ts";
import { branchExists, branchNotFound, datasetExists, datasetNotFound, fromLanceContents, lanceCall, refConflict, versionNotFound, type LanceBranchContents } from "./errors.ts";
import { atVersion, fragmentsOf, scanRows } from "./fragments.ts";
import { OpLog } from "./op-log.ts";
import { datasetLocation, type TableLocation } from "./paths.ts";
import type { Serial } from "./serial.ts";
import { planTransaction } from "./transactions.ts";

/** One ref of a dataset: its LanceDB handle and its op log. */
interface DatasetRef {
  readonly table: LanceTable;
  readonly log: OpLog;
}

interface OpenDataset extends DatasetRef {
  readonly path: DatasetPath;
  readonly where: TableLocation;
  /** Open branch refs by name. */
  readonly branches: Map<string, DatasetRef>;
}

const opLogFile = (where: TableLocation, branch: Branch = null) =>
  branch === null ? join(where.opLogDir, "main.jsonl") : join(where.opLogDir, "tree", `${branch}.jsonl`);

export class LanceDatasets implements DatasetStore {
  private readonly open = new Map<DatasetPath, OpenDataset>();

  constructor(
    private readonly root: string,
    private readonly connections: LanceConnections,
    private readonly serial: Serial,
  ) {}

  create(path: DatasetPath, rows: readonly Row[] = []): Promise<Version> {
    return this.serial.run(async () => {
      const where = datasetLocation(this.root, path);
      if (this.open.has(path) || (await this.connections.open(where)) !== null) throw datasetExists(path);
      await mkdir(where.dir, { recursive: true });
      const connection = await this.connections.at(where.dir);
      const table = await lanceCall(() =>
        rows.length === 0
          ? connection.createEmptyTable(where.table, DATA_SCHEMA)
          : connection.createTable(where.table, arrowTable(DATA_SCHEMA, rows.map(dataRecord))),
      );
      const first = version(await lanceCall(() => table.version()));
      const log = await OpLog.create(opLogFile(where), [{ version: first, op: "Create", readVersion: version(0), touched: [], ref: null }]);
      this.open.set(path, { path, where, table, log, branches: new Map() });
      return first;
    });
  }

  exists(path: DatasetPath): Promise<boolean> {
    return this.serial.run(async () => (await this.find(path)) !== null);
  }

  latestVersion(path: DatasetPath, branch: Branch): Promise<Version> {
    return this.serial.run(async () => {
      const ds = await this.dataset(path);
      return this.head(await this.ref(ds, branch), branch);
    });
  }

  checkout(path: DatasetPath, branch: Branch, at: Version): Promise<DatasetSnapshot> {
    return this.serial.run(async () => {
      const ds = await this.dataset(path);
      const ref = await this.ref(ds, branch);
      await this.head(ref, branch);
      const holder = await this.holder(ds, ref, branch, at);
      return atVersion(holder.table, at, async () => {
        const located = await scanRows(holder.table);
        const indices = (await lanceCall(() => holder.table.listIndices())).map((i) => i.name).sort();
        return { version: at, rows: located.map((r) => r.row), indices, fragments: fragmentsOf(located).size };
      });
    });
  }

  commit(path: DatasetPath, branch: Branch, readVersion: Version, delta: TxnDelta): Promise<CommitResult> {
    return this.serial.run(async () => {
      const ds = await this.dataset(path);
      const ref = await this.ref(ds, branch);
      const head = await this.head(ref, branch);
      const intervening = ref.log.since(readVersion, branch);
      const txn = await planTransaction(ref.table, head, delta, readVersion);
      if (intervening.length > 0) {
        // LanceDB would rebase this stale commit silently; the adapter applies section 10.2
        // (the seam's rule) to its op log, over Lance's real fragment ids.
        const holder = await this.holder(ds, ref, branch, readVersion);
        const atRead = countsReadFragments(delta.op)
          ? await atVersion(holder.table, readVersion, async () => fragmentsOf(await scanRows(holder.table)))
          : [];
        checkStaleCommit(staleFootprint(delta.op, txn.touchedAtHead, atRead, txn.touchedAtRead), intervening);
      }
      const committed = await txn.commit();
      await ref.log.append(committed.added.map((a) => ({ ...a, readVersion, ref: branch })));
      return { version: committed.version, rowsAffected: committed.rowsAffected };
    });
  }

  restore(path: DatasetPath, branch: Branch, at: Version): Promise<Version> {
    return this.serial.run(async () => {
      const ds = await this.dataset(path);
      const ref = await this.ref(ds, branch);
      const head = await this.head(ref, branch);
      if (ref.log.entry(at) === undefined) throw versionNotFound(branch, at);
      // Lance's restore is checkout + restore: it commits the checked-out version as HEAD,
      // checked against nothing.
      await lanceCall(() => ref.table.checkout(at));
      await lanceCall(() => ref.table.restore());
      await lanceCall(() => ref.table.checkoutLatest());
      const restored = version(await lanceCall(() => ref.table.version()));
      const added = [];
      for (let v = head + 1; v <= restored; v++) added.push({ version: version(v), op: "Restore" as const, readVersion: at, touched: [], ref: branch });
      await ref.log.append(added);
      return restored;
    });
  }

  versions(path: DatasetPath, branch: Branch): Promise<VersionInfo[]> {
    return this.serial.run(async () => {
      const ds = await this.dataset(path);
      const ref = await this.ref(ds, branch);
      await this.head(ref, branch);
      // A branch's own ref lists only versions from its fork on; the older ones are the parent's
      // (in its log), as the virtual store's branch shares its parent's history.
      const own = (await lanceCall(() => ref.table.listVersions())).map((v) => version(v.version));
      const listed = [...new Set([...ref.log.upTo(ref.log.head).map((e) => e.version), ...own])].sort((a, b) => a - b);
      return listed.map((v) => {
        const entry = ref.log.entry(v);
        return { version: v, op: entry?.op ?? "Overwrite", readVersion: entry?.readVersion ?? version(v - 1) };
      });
    });
  }

  /**
   * LanceDB's only cleanup is inside `optimize()`, which compacts and builds index deltas first
   * (measured: three one-row fragments went 4 -> 6 and then pruned 5 versions), so it would add
   * versions and move HEAD where upstream's `cleanup_old_versions` adds none. The adapter
   * removes the version manifests older than HEAD itself, which is what makes a cleaned-up
   * version unreachable in Lance (checkout and listVersions stop seeing it). Data files of the
   * removed versions stay on disk.
   */
  cleanup(path: DatasetPath, branch: Branch): Promise<number> {
    return this.serial.run(async () => {
      const ds = await this.dataset(path);
      const ref = await this.ref(ds, branch);
      const head = await this.head(ref, branch);
      const tableDir = join(ds.where.dir, `${ds.where.table}.lance`);
      const versionsDir = branch === null ? join(tableDir, "_versions") : join(tableDir, "tree", branch, "_versions");
      let removed = 0;
      for (const name of await readdir(versionsDir)) {
        const v = manifestVersion(name);
        if (v === null || v >= head) continue;
        await rm(join(versionsDir, name));
        removed += 1;
      }
      // Versions the branch inherited (held by its parent's ref) leave its history too.
      removed += ref.log.upTo(head).filter((e) => e.version < head && e.ref !== branch).length;
      await lanceCall(() => ref.table.checkoutLatest());
      await ref.log.pruneBelow(head);
      return removed;
    });
  }

  /**
   * Diagnostics outside the seam, for the fidelity audit: the row ids (sorted) of each
   * fragment at `at`, fragments in id order.
   */
  layout(path: DatasetPath, at: Version): Promise<{ fragment: number; ids: string[] }[]> {
    return this.serial.run(async () => {
      const ds = await this.dataset(path);
      await this.head(ds, null);
      const located = await atVersion(ds.table, at, () => scanRows(ds.table));
      const byFragment = new Map<number, string[]>();
      for (const r of located) byFragment.set(r.fragment, [...(byFragment.get(r.fragment) ?? []), r.row.id]);
      return [...byFragment.keys()].sort((a, b) => a - b).map((fragment) => ({ fragment, ids: (byFragment.get(fragment) ?? []).sort() }));
    });
  }

  createBranch(path: DatasetPath, name: string, from: Branch, at: Version): Promise<void> {
    return this.serial.run(async () => {
      const ds = await this.dataset(path);
      const parent = await this.ref(ds, from);
      await this.head(parent, from);
      // Lance fails on a duplicate branch with an internal error, so the adapter checks first.
      if (name === "main" || (await this.branchNames(ds)).includes(name)) throw branchExists(name);
      if (parent.log.entry(at) === undefined) throw versionNotFound(from, at);
      const branches = await lanceCall(() => ds.table.branches());
      const table = await lanceCall(() => branches.create(name, from ?? "main", at));
      const log = await OpLog.create(opLogFile(ds.where, name), parent.log.upTo(at));
      ds.branches.set(name, { table, log });
    });
  }

  /** Lance refuses to delete a branch another branch forked from (RefConflict, as the virtual store). */
  deleteBranch(path: DatasetPath, name: string): Promise<void> {
    return this.serial.run(async () => {
      const ds = await this.dataset(path);
      const listed = await this.branchList(ds);
      if (!(name in listed)) throw branchNotFound(name, `dataset ${path}`);
      const children = Object.entries(listed).filter(([, c]) => c.parentBranch === name).map(([child]) => child).sort();
      if (children.length > 0) throw refConflict(name, children, `dataset ${path}`);
      const branches = await lanceCall(() => ds.table.branches());
      await lanceCall(() => branches.delete(name));
      const ref = ds.branches.get(name);
      ds.branches.delete(name);
      ref?.table.close();
      await (ref?.log ?? (await OpLog.load(opLogFile(ds.where, name)))).remove();
    });
  }

  listBranches(path: DatasetPath): Promise<string[]> {
    return this.serial.run(async () => (await this.branchNames(await this.dataset(path))).sort());
  }

  branchContents(path: DatasetPath, name: string): Promise<BranchContents> {
    return this.serial.run(async () => {
      const contents = (await this.branchList(await this.dataset(path)))[name];
      if (contents === undefined) throw branchNotFound(name, `dataset ${path}`);
      return fromLanceContents(contents);
    });
  }

  /** Forgets open handles (they stay valid in LanceDB until its connections close). */
  forget(): void {
    this.open.clear();
  }

  private async find(path: DatasetPath): Promise<OpenDataset | null> {
    const known = this.open.get(path);
    if (known !== undefined) return known;
    let where: TableLocation;
    try {
      where = datasetLocation(this.root, path);
    } catch {
      return null;
    }
    const table = await this.connections.open(where);
    if (table === null) return null;
    const ds = { path, where, table, log: await OpLog.load(opLogFile(where)), branches: new Map<string, DatasetRef>() };
    this.open.set(path, ds);
    return ds;
  }

  private async dataset(path: DatasetPath): Promise<OpenDataset> {
    const ds = await this.find(path);
    if (ds === null) throw datasetNotFound(path);
    return ds;
  }

  /** The ref of `branch`; NotFound when the dataset has no such branch. */
  private async ref(ds: OpenDataset, branch: Branch): Promise<DatasetRef> {
    if (branch === null) return ds;
    const known = ds.branches.get(branch);
    if (known !== undefined) return known;
    if (!(await this.branchNames(ds)).includes(branch)) throw branchNotFound(branch, `dataset ${ds.path}`);
    const branches = await lanceCall(() => ds.table.branches());
    const ref = { table: await lanceCall(() => branches.checkout(branch)), log: await OpLog.load(opLogFile(ds.where, branch)) };
    ds.branches.set(branch, ref);
    return ref;
  }

  /** The ref that holds version `at` of `branch` (a version before a fork is its parent's). */
  private async holder(ds: OpenDataset, ref: DatasetRef, branch: Branch, at: Version): Promise<DatasetRef> {
    const entry = ref.log.entry(at);
    if (entry === undefined) throw versionNotFound(branch, at);
    return entry.ref === branch ? ref : this.ref(ds, entry.ref);
  }

  private async branchList(ds: OpenDataset): Promise<Record<string, LanceBranchContents>> {
    const branches = await lanceCall(() => ds.table.branches());
    return lanceCall(() => branches.list());
  }

  private async branchNames(ds: OpenDataset): Promise<string[]> {
    return Object.keys(await this.branchList(ds));
  }

  /** Lance's HEAD of the ref, with its op log caught up to it. */
  private async head(ref: DatasetRef, branch: Branch): Promise<Version> {
    await lanceCall(() => ref.table.checkoutLatest());
    const head = version(await lanceCall(() => ref.table.version()));
    if (head > ref.log.head) await ref.log.reconcile(head, branch);
    return head;
  }
}

const U64_MAX = 18446744073709551615n;

/**
 * The version a file in `_versions/` holds: Lance's V2 naming is `u64::MAX - version` in 20
 * digits, the older V1 naming the version itself. Null for other files.
 */
function manifestVersion(name: string): number | null {
  const match = /^(\d+)\.manifest$/.exec(name);
  if (match === null) return null;
  const n = BigInt(match[1] as string);
  return Number(n > U64_MAX / 2n ? U64_MAX - n : n);
}
