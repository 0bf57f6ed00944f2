// The seam's DatasetStore on LanceDB: one Lance table per dataset path, Lance's own version
// numbers, and the adapter's op log (op-log.ts) for what LanceDB does not expose or enforce.
//
// The seam has no call that creates a dataset branch, so a dataset has main only: any other
// branch is NotFound, as in the virtual store.
import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import {
  version,
  type Branch,
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
import { branchNotFound, datasetExists, datasetNotFound, lanceCall, versionNotFound } from "./errors.ts";
import { atVersion, fragmentsOf, scanRows } from "./fragments.ts";
import { OpLog } from "./op-log.ts";
import { datasetLocation, type TableLocation } from "./paths.ts";
import type { Serial } from "./serial.ts";
import { planTransaction } from "./transactions.ts";

interface OpenDataset {
  readonly where: TableLocation;
  readonly table: LanceTable;
  readonly log: OpLog;
}

const opLogFile = (where: TableLocation) => join(where.opLogDir, "main.jsonl");

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
      this.open.set(path, { where, table, log });
      return first;
    });
  }

  exists(path: DatasetPath): Promise<boolean> {
    return this.serial.run(async () => (await this.find(path)) !== null);
  }

  latestVersion(path: DatasetPath, branch: Branch): Promise<Version> {
    return this.serial.run(async () => this.head(await this.dataset(path, branch)));
  }

  checkout(path: DatasetPath, branch: Branch, at: Version): Promise<DatasetSnapshot> {
    return this.serial.run(async () => {
      const ds = await this.dataset(path, branch);
      await this.head(ds);
      if (ds.log.entry(at) === undefined) throw versionNotFound(branch, at);
      return atVersion(ds.table, at, async () => {
        const located = await scanRows(ds.table);
        const indices = (await lanceCall(() => ds.table.listIndices())).map((i) => i.name).sort();
        return { version: at, rows: located.map((r) => r.row), indices, fragments: fragmentsOf(located).size };
      });
    });
  }

  commit(path: DatasetPath, branch: Branch, readVersion: Version, delta: TxnDelta): Promise<CommitResult> {
    return this.serial.run(async () => {
      const ds = await this.dataset(path, branch);
      const head = await this.head(ds);
      const intervening = ds.log.since(readVersion, branch);
      const txn = await planTransaction(ds.table, head, delta, readVersion);
      if (intervening.length > 0) {
        // LanceDB would rebase this stale commit silently; the adapter applies section 10.2
        // (the seam's rule) to its op log, over Lance's real fragment ids.
        const atRead = countsReadFragments(delta.op)
          ? await atVersion(ds.table, readVersion, async () => fragmentsOf(await scanRows(ds.table)))
          : [];
        checkStaleCommit(staleFootprint(delta.op, txn.touchedAtHead, atRead, txn.touchedAtRead), intervening);
      }
      const committed = await txn.commit();
      await ds.log.append(committed.added.map((a) => ({ ...a, readVersion, ref: null })));
      return { version: committed.version, rowsAffected: committed.rowsAffected };
    });
  }

  restore(path: DatasetPath, branch: Branch, at: Version): Promise<Version> {
    return this.serial.run(async () => {
      const ds = await this.dataset(path, branch);
      const head = await this.head(ds);
      if (ds.log.entry(at) === undefined) throw versionNotFound(branch, at);
      // Lance's restore is checkout + restore: it commits the checked-out version as HEAD,
      // checked against nothing.
      await lanceCall(() => ds.table.checkout(at));
      await lanceCall(() => ds.table.restore());
      await lanceCall(() => ds.table.checkoutLatest());
      const restored = version(await lanceCall(() => ds.table.version()));
      const added = [];
      for (let v = head + 1; v <= restored; v++) added.push({ version: version(v), op: "Restore" as const, readVersion: at, touched: [], ref: null });
      await ds.log.append(added);
      return restored;
    });
  }

  versions(path: DatasetPath, branch: Branch): Promise<VersionInfo[]> {
    return this.serial.run(async () => {
      const ds = await this.dataset(path, branch);
      await this.head(ds);
      const listed = (await lanceCall(() => ds.table.listVersions())).map((v) => version(v.version)).sort((a, b) => a - b);
      return listed.map((v) => {
        const entry = ds.log.entry(v);
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
      const ds = await this.dataset(path, branch);
      const head = await this.head(ds);
      const versionsDir = join(ds.where.dir, `${ds.where.table}.lance`, "_versions");
      let removed = 0;
      for (const name of await readdir(versionsDir)) {
        const v = manifestVersion(name);
        if (v === null || v >= head) continue;
        await rm(join(versionsDir, name));
        removed += 1;
      }
      await lanceCall(() => ds.table.checkoutLatest());
      await ds.log.pruneBelow(head);
      return removed;
    });
  }

  /**
   * Diagnostics outside the seam, for the fidelity audit: the row ids (sorted) of each
   * fragment at `at`, fragments in id order.
   */
  layout(path: DatasetPath, at: Version): Promise<{ fragment: number; ids: string[] }[]> {
    return this.serial.run(async () => {
      const ds = await this.dataset(path, null);
      await this.head(ds);
      const located = await atVersion(ds.table, at, () => scanRows(ds.table));
      const byFragment = new Map<number, string[]>();
      for (const r of located) byFragment.set(r.fragment, [...(byFragment.get(r.fragment) ?? []), r.row.id]);
      return [...byFragment.keys()].sort((a, b) => a - b).map((fragment) => ({ fragment, ids: (byFragment.get(fragment) ?? []).sort() }));
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
    const ds = { where, table, log: await OpLog.load(opLogFile(where)) };
    this.open.set(path, ds);
    return ds;
  }

  private async dataset(path: DatasetPath, branch: Branch): Promise<OpenDataset> {
    const ds = await this.find(path);
    if (ds === null) throw datasetNotFound(path);
    if (branch !== null) throw branchNotFound(branch, `dataset ${path}`);
    return ds;
  }

  /** Lance's HEAD, with the op log caught up to it. */
  private async head(ds: OpenDataset): Promise<Version> {
    await lanceCall(() => ds.table.checkoutLatest());
    const head = version(await lanceCall(() => ds.table.version()));
    if (head > ds.log.head) await ds.log.reconcile(head, null);
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
