// The seam's ManifestStore on LanceDB: `__manifest` is a Lance table keyed by `object_id`
// (an unenforced primary key), its graph branches are Lance branches of that table
// (`table.branches()`), and a merge is LanceDB's mergeInsert on `object_id`.
//
// Two guarantees are the adapter's, kept in the op log of each branch (op-log.ts):
// - Row-level CAS. LanceDB takes no read version and rebases a stale mergeInsert silently (with
//   a primary key it even turns a concurrent insert of the same key into an update), so the
//   adapter refuses, with TooMuchWriteContention, a merge writing an objectId that a version
//   after its read version wrote.
// - Shared history. A Lance branch starts at the version it forks from, but its own ref cannot
//   check out anything older (measured: `tree/feature/_versions/1.manifest was not found`). The
//   virtual store's branch shares its parent's history, so a fork copies the parent's op-log
//   entries up to the fork, each naming the Lance ref that holds the version, and reads of
//   such a version go to that ref.
import { join } from "node:path";
import { mkdir } from "node:fs/promises";
import { StorageError } from "../../engine/storage/errors.ts";
import { version, type Branch, type BranchContents, type ManifestRow, type ManifestSnapshot, type ManifestStore, type Version } from "../../engine/storage/types.ts";
import { arrowTable, MANIFEST_SCHEMA } from "./arrow-schemas.ts";
import type { LanceConnections, LanceTable } from "./connection.ts";
import {
  ambiguousSource,
  branchExists,
  branchNotFound,
  compactedUnder,
  compactionPreempted,
  contention,
  datasetNotFound,
  fromLanceContents,
  lanceCall,
  refConflict,
  versionNotFound,
  type LanceBranchContents,
} from "./errors.ts";
import { atVersion } from "./fragments.ts";
import { OpLog } from "./op-log.ts";
import { manifestLocation, MANIFEST_TABLE, type TableLocation } from "./paths.ts";
import { manifestRecord, manifestRowFromRecord, type ManifestRecord } from "./row-codec.ts";
import type { Serial } from "./serial.ts";

interface ManifestRef {
  readonly table: LanceTable;
  readonly log: OpLog;
}

const OWNER = `dataset ${MANIFEST_TABLE}`;

export class LanceManifest implements ManifestStore {
  private readonly where: TableLocation;
  /** Open refs by branch name; main is "". */
  private readonly refs = new Map<string, ManifestRef>();

  constructor(
    root: string,
    private readonly connections: LanceConnections,
    private readonly serial: Serial,
  ) {
    this.where = manifestLocation(root);
  }

  create(rows: readonly ManifestRow[] = []): Promise<Version> {
    return this.serial.run(async () => {
      if ((await this.main()) !== null) throw new StorageError("AlreadyExists", `Dataset already exists: ${MANIFEST_TABLE}`);
      const ids = rows.map((r) => r.objectId);
      if (new Set(ids).size !== ids.length) throw ambiguousSource("merge", `objectId ${ids.find((id, i) => ids.indexOf(id) !== i)!}`);
      await mkdir(this.where.dir, { recursive: true });
      const connection = await this.connections.at(this.where.dir);
      const table = await lanceCall(() =>
        rows.length === 0
          ? connection.createEmptyTable(this.where.table, MANIFEST_SCHEMA)
          : connection.createTable(this.where.table, arrowTable(MANIFEST_SCHEMA, rows.map(manifestRecord))),
      );
      const first = version(await lanceCall(() => table.version()));
      const log = await OpLog.create(this.logFile(null), [{ version: first, op: "Create", readVersion: version(0), touched: ids, ref: null }]);
      this.refs.set("", { table, log });
      return first;
    });
  }

  exists(): Promise<boolean> {
    return this.serial.run(async () => (await this.main()) !== null);
  }

  latestVersion(branch: Branch): Promise<Version> {
    return this.serial.run(async () => this.head(await this.ref(branch), branch));
  }

  load(branch: Branch, at?: Version): Promise<ManifestSnapshot> {
    return this.serial.run(async () => {
      const ref = await this.ref(branch);
      const head = await this.head(ref, branch);
      const target = at ?? head;
      const entry = ref.log.entry(target);
      if (entry === undefined) throw versionNotFound(branch, target);
      const holder = entry.ref === branch ? ref : await this.ref(entry.ref);
      const read = async () => sortedRows((await lanceCall(() => holder.table.query().toArray())) as ManifestRecord[]);
      const rows = entry.ref === branch && target === head ? await read() : await atVersion(holder.table, target, read);
      return { branch, version: target, rows };
    });
  }

  merge(branch: Branch, readVersion: Version, rows: readonly ManifestRow[]): Promise<Version> {
    return this.serial.run(async () => {
      const ref = await this.ref(branch);
      await this.head(ref, branch);
      const intervening = ref.log.since(readVersion, branch);
      const ids = uniqueObjectIds(rows);
      // Row-level CAS, the adapter's: LanceDB would rebase this merge onto HEAD whatever it read.
      for (const later of intervening) {
        const written = new Set(later.touched);
        const clash = ids.find((id) => written.has(id));
        if (clash !== undefined) throw contention(clash, later.version, branch, readVersion);
      }
      // A compaction since the read version that rewrote a fragment holding a row this merge
      // rewrites (Lance's resolver; the publisher's merge-insert reports it as contention).
      const compactions = intervening.filter((e) => e.op === "Rewrite");
      if (compactions.length > 0) {
        const atRead = await this.fragmentsAt(ref, branch, readVersion);
        for (const later of compactions) {
          const rewritten = new Set(later.touched.filter((t): t is number => typeof t === "number"));
          const clash = ids.find((id) => rewritten.has(atRead.get(id) ?? -1));
          if (clash !== undefined) throw compactedUnder(clash, later.version, branch, readVersion);
        }
      }
      const atHead = await fragmentOfRows(ref.table);
      const modified = [...new Set(ids.flatMap((id) => (atHead.has(id) ? [atHead.get(id)!] : [])))];
      const data = arrowTable(MANIFEST_SCHEMA, rows.map(manifestRecord));
      const result = await lanceCall(() => ref.table.mergeInsert("object_id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data));
      const committed = version(result.version);
      await ref.log.append([{ version: committed, op: "Merge", readVersion, touched: [...ids, ...modified], ref: branch }]);
      return committed;
    });
  }

  /**
   * Compaction through LanceDB's `optimize()` (ReserveFragments, then Rewrite), planned at
   * `readVersion` as the seam says; the stale-plan check is the adapter's, over real fragment
   * ids, since `optimize()` itself re-plans at HEAD.
   */
  compact(branch: Branch, readVersion: Version): Promise<Version | null> {
    return this.serial.run(async () => {
      const ref = await this.ref(branch);
      const head = await this.head(ref, branch);
      const intervening = ref.log.since(readVersion, branch);
      const planned = new Set((await this.fragmentsAt(ref, branch, readVersion)).values());
      if (planned.size < 2) return null;
      for (const later of intervening) {
        if ((later.op === "Merge" || later.op === "Rewrite") && later.touched.some((t) => typeof t === "number" && planned.has(t))) {
          throw compactionPreempted(later.version, later.op === "Merge" ? "Update" : later.op);
        }
      }
      const before = new Set((await fragmentOfRows(ref.table)).values());
      await lanceCall(() => ref.table.optimize({ cleanupOlderThan: new Date(0) }));
      await lanceCall(() => ref.table.checkoutLatest());
      const to = version(await lanceCall(() => ref.table.version()));
      if (to === head) return null;
      const after = new Set((await fragmentOfRows(ref.table)).values());
      const removed = [...before].filter((f) => !after.has(f));
      const added = [];
      for (let v = head + 1; v <= to; v++) {
        const op = v === to ? "Rewrite" : v === head + 1 ? "ReserveFragments" : "CreateIndex";
        added.push({ version: version(v), op: op as "Rewrite" | "ReserveFragments" | "CreateIndex", readVersion, touched: op === "Rewrite" ? removed : [], ref: branch });
      }
      await ref.log.append(added);
      return to;
    });
  }

  /** Each row's fragment at `at` of `branch` (versions before a fork are read from the ref that holds them). */
  private async fragmentsAt(ref: ManifestRef, branch: Branch, at: Version): Promise<Map<string, number>> {
    const entry = ref.log.entry(at);
    const holder = entry === undefined || entry.ref === branch ? ref : await this.ref(entry.ref);
    return atVersion(holder.table, at, () => fragmentOfRows(holder.table));
  }

  createBranch(name: string, from: Branch, at?: Version): Promise<void> {
    return this.serial.run(async () => {
      const parent = await this.ref(from);
      const head = await this.head(parent, from);
      const forkAt = at ?? head;
      // Lance fails on a duplicate branch with an internal error ("Clone operation should not
      // enter build_manifest"), so the adapter checks first.
      if (name === "main" || (await this.branchNames()).includes(name)) throw branchExists(name);
      if (parent.log.entry(forkAt) === undefined) throw versionNotFound(from, forkAt);
      const branches = await lanceCall(async () => (await this.mainRef()).table.branches());
      const table = await lanceCall(() => branches.create(name, from ?? "main", forkAt));
      const log = await OpLog.create(this.logFile(name), parent.log.upTo(forkAt));
      this.refs.set(name, { table, log });
    });
  }

  /**
   * Lance refuses to delete a branch that another branch forked from ("Ref conflict error:
   * Branch feature is referenced by [(\"child\", 3)] versions, can not delete"): RefConflict,
   * as in the virtual store.
   */
  deleteBranch(name: string): Promise<void> {
    return this.serial.run(async () => {
      const main = await this.mainRef();
      const listed = await this.branchList();
      if (!(name in listed)) throw branchNotFound(name, OWNER);
      const children = Object.entries(listed).filter(([, c]) => c.parentBranch === name).map(([child]) => child).sort();
      if (children.length > 0) throw refConflict(name, children, OWNER);
      const branches = await lanceCall(() => main.table.branches());
      await lanceCall(() => branches.delete(name));
      const ref = this.refs.get(name);
      this.refs.delete(name);
      ref?.table.close();
      await (ref?.log ?? (await OpLog.load(this.logFile(name)))).remove();
    });
  }

  listBranches(): Promise<string[]> {
    return this.serial.run(async () => {
      await this.mainRef();
      return (await this.branchNames()).sort();
    });
  }

  branchContents(name: string): Promise<BranchContents> {
    return this.serial.run(async () => {
      await this.mainRef();
      const contents = (await this.branchList())[name];
      if (contents === undefined) throw branchNotFound(name, OWNER);
      return fromLanceContents(contents);
    });
  }

  forget(): void {
    this.refs.clear();
  }

  private logFile(branch: Branch): string {
    return branch === null ? join(this.where.opLogDir, "main.jsonl") : join(this.where.opLogDir, "tree", `${branch}.jsonl`);
  }

  private async branchList(): Promise<Record<string, LanceBranchContents>> {
    const branches = await lanceCall(async () => (await this.mainRef()).table.branches());
    return lanceCall(() => branches.list());
  }

  private async branchNames(): Promise<string[]> {
    return Object.keys(await this.branchList());
  }

  /** Main's ref, or null before `create`. */
  private async main(): Promise<ManifestRef | null> {
    const known = this.refs.get("");
    if (known !== undefined) return known;
    const table = await this.connections.open(this.where);
    if (table === null) return null;
    const ref = { table, log: await OpLog.load(this.logFile(null)) };
    this.refs.set("", ref);
    return ref;
  }

  private async mainRef(): Promise<ManifestRef> {
    const main = await this.main();
    if (main === null) throw datasetNotFound(MANIFEST_TABLE);
    return main;
  }

  private async ref(branch: Branch): Promise<ManifestRef> {
    const main = await this.mainRef();
    if (branch === null) return main;
    const known = this.refs.get(branch);
    if (known !== undefined) return known;
    if (!(await this.branchNames()).includes(branch)) throw branchNotFound(branch, OWNER);
    const branches = await lanceCall(() => main.table.branches());
    const ref = { table: await lanceCall(() => branches.checkout(branch)), log: await OpLog.load(this.logFile(branch)) };
    this.refs.set(branch, ref);
    return ref;
  }

  /** The ref's Lance HEAD, with its op log caught up. */
  private async head(ref: ManifestRef, branch: Branch): Promise<Version> {
    await lanceCall(() => ref.table.checkoutLatest());
    const head = version(await lanceCall(() => ref.table.version()));
    if (head > ref.log.head) await ref.log.reconcile(head, branch);
    return head;
  }
}

/** Each row's fragment (objectId to fragment id, through `_rowid`) at the version `table` has checked out. */
async function fragmentOfRows(table: LanceTable): Promise<Map<string, number>> {
  const records = (await lanceCall(() => table.query().select(["object_id"]).withRowId().toArray())) as { object_id: string; _rowid: bigint }[];
  return new Map(records.map((r) => [r.object_id, Number(BigInt(r._rowid) >> 32n)]));
}

function sortedRows(records: readonly ManifestRecord[]): ManifestRow[] {
  return records.map(manifestRowFromRecord).sort((a, b) => (a.objectId < b.objectId ? -1 : a.objectId > b.objectId ? 1 : 0));
}

/** The objectIds of a merge; two rows for one objectId are ambiguous, as Lance says. */
function uniqueObjectIds(rows: readonly ManifestRow[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.objectId)) throw ambiguousSource("merge", `objectId ${row.objectId}`);
    seen.add(row.objectId);
  }
  return [...seen];
}
