// Wraps a storage backend so that every call is a scheduling point before it takes effect and
// a trace event after it: the call, and its result or error. The same wrapper serves the
// virtual store and real Lance; with real Lance the scheduler waits for the I/O, one call at a
// time, in the order the tape chooses.
import type {
  Branch,
  DatasetPath,
  DatasetStore,
  ManifestRow,
  ManifestStore,
  ObjectStore,
  Storage,
  TxnDelta,
  Version,
} from "../engine/storage/types.ts";
import type { Scheduler } from "./scheduler.ts";
import type { Footprint } from "./step.ts";
import { describeError, type Trace } from "./trace.ts";

const ds = (path: DatasetPath, branch: Branch) => `ds:${path}@${branch ?? "main"}`;
const mf = (branch: Branch) => `mf:${branch ?? "main"}`;
const reads = (...keys: string[]): Footprint => ({ reads: keys, writes: [] });
const writes = (...keys: string[]): Footprint => ({ reads: [], writes: keys });

/** A compact, deterministic picture of a delta for the trace. */
function deltaSummary(delta: TxnDelta): Record<string, unknown> {
  switch (delta.op) {
    case "Append":
    case "Merge":
    case "Update":
    case "Overwrite":
      return { op: delta.op, ids: delta.rows.map((r) => r.id) };
    case "Delete":
      return { op: delta.op, where: delta.where.anyOf.map((c) => ({ column: c.column, in: [...c.in] })) };
    case "CreateIndex":
      return { op: delta.op, index: delta.index };
    case "UpdateConfig":
      return { op: delta.op, key: delta.key };
    default:
      return { op: delta.op };
  }
}

export class ScheduledStorage implements Storage {
  readonly datasets: DatasetStore;
  readonly manifest: ManifestStore;
  readonly objects: ObjectStore;

  constructor(
    inner: Storage,
    private readonly sched: Scheduler,
    private readonly trace: Trace,
    /** Real I/O: the scheduler awaits it rather than counting microtask turns. */
    private readonly externalIo: boolean,
  ) {
    const d = inner.datasets;
    const m = inner.manifest;
    const o = inner.objects;
    this.datasets = {
      create: (path) => this.call("datasets.create", { path }, writes(ds(path, null)), () => d.create(path), (v) => ({ version: v })),
      exists: (path) => this.call("datasets.exists", { path }, reads(ds(path, null)), () => d.exists(path), (b) => b),
      latestVersion: (path, branch) =>
        this.call("datasets.latestVersion", { path, branch }, reads(ds(path, branch)), () => d.latestVersion(path, branch), (v) => v),
      checkout: (path, branch, at) =>
        this.call("datasets.checkout", { path, branch, at }, reads(ds(path, branch)), () => d.checkout(path, branch, at), (s) => ({
          version: s.version,
          rows: s.rows.length,
          fragments: s.fragments,
          indices: s.indices,
        })),
      commit: (path, branch, readVersion, delta) =>
        this.call(
          "datasets.commit",
          { path, branch, readVersion, delta: deltaSummary(delta) },
          writes(ds(path, branch)),
          () => d.commit(path, branch, readVersion, delta),
          (r) => ({ version: r.version, rowsAffected: r.rowsAffected }),
        ),
      restore: (path, branch, at) =>
        this.call("datasets.restore", { path, branch, at }, writes(ds(path, branch)), () => d.restore(path, branch, at), (v) => ({ version: v })),
      versions: (path, branch) =>
        this.call("datasets.versions", { path, branch }, reads(ds(path, branch)), () => d.versions(path, branch), (vs) =>
          vs.map((v) => [v.version, v.op]),
        ),
      cleanup: (path, branch) =>
        this.call("datasets.cleanup", { path, branch }, writes(ds(path, branch)), () => d.cleanup(path, branch), (n) => ({ removed: n })),
    };
    this.manifest = {
      create: () => this.call("manifest.create", {}, writes(mf(null)), () => m.create(), (v) => ({ version: v })),
      exists: () => this.call("manifest.exists", {}, reads(mf(null)), () => m.exists(), (b) => b),
      latestVersion: (branch) => this.call("manifest.latestVersion", { branch }, reads(mf(branch)), () => m.latestVersion(branch), (v) => v),
      load: (branch, at?: Version) =>
        this.call("manifest.load", { branch, at }, reads(mf(branch)), () => m.load(branch, at), (s) => ({
          version: s.version,
          rows: s.rows.length,
        })),
      merge: (branch, readVersion, rows: readonly ManifestRow[]) =>
        this.call(
          "manifest.merge",
          { branch, readVersion, rows: rows.map((r) => r.objectId) },
          writes(mf(branch)),
          () => m.merge(branch, readVersion, rows),
          (v) => ({ version: v }),
        ),
      createBranch: (name, from) =>
        this.call("manifest.createBranch", { name, from }, { reads: [mf(from)], writes: [mf(name), "mf:branches"] }, () => m.createBranch(name, from), () => null),
      deleteBranch: (name) =>
        this.call("manifest.deleteBranch", { name }, writes(mf(name), "mf:branches"), () => m.deleteBranch(name), () => null),
      listBranches: () => this.call("manifest.listBranches", {}, reads("mf:branches"), () => m.listBranches(), (b) => [...b]),
    };
    this.objects = {
      put: (key, body) => this.call("objects.put", { key }, writes(`obj:${key}`), () => o.put(key, body), () => null),
      get: (key) => this.call("objects.get", { key }, reads(`obj:${key}`), () => o.get(key), (body) => ({ bytes: body.length })),
      exists: (key) => this.call("objects.exists", { key }, reads(`obj:${key}`), () => o.exists(key), (b) => b),
      list: (prefix) => this.call("objects.list", { prefix }, reads(`dir:${prefix}`), () => o.list(prefix), (keys) => [...keys]),
      delete: (key) => this.call("objects.delete", { key }, writes(`obj:${key}`), () => o.delete(key), () => null),
      rename: (from, to) =>
        this.call("objects.rename", { from, to }, writes(`obj:${from}`, `obj:${to}`), () => o.rename(from, to), () => null),
    };
  }

  private async call<T>(
    op: string,
    args: Record<string, unknown>,
    footprint: Footprint,
    effect: () => Promise<T>,
    summarize: (result: T) => unknown,
  ): Promise<T> {
    const subject = (args.key ?? args.path ?? args.name ?? args.prefix ?? "") as string;
    await this.sched.point({ label: subject ? `${op} ${subject}` : op, footprint });
    const actor = this.sched.current?.name ?? "?";
    try {
      const result = this.externalIo ? await this.sched.external(effect()) : await effect();
      this.trace.emit({ e: "io", actor, op, args, ok: summarize(result) });
      return result;
    } catch (error) {
      this.trace.emit({ e: "io", actor, op, args, err: describeError(error) });
      throw error;
    }
  }
}
