// Wraps a storage backend so that every call is a scheduling point before it takes effect and
// a trace event after it: the call, and its result or error. The same wrapper serves the
// virtual store and real Lance; with real Lance the scheduler waits for the I/O, one call at a
// time, in the order the tape chooses.
//
// On the virtual store a call costs one promise: its effect (the store's synchronous `...Now`
// method) runs the moment the step is granted, and the actor resumes with the result. Labels are
// made once per call; footprints, which only exhaustive search reads, are made when asked.
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
import type { Footprint, StepInfo } from "./step.ts";
import { VirtualStore } from "./store/virtual-store.ts";
import { describeError, type Trace } from "./trace.ts";

const ds = (path: DatasetPath, branch: Branch) => `ds:${path}@${branch ?? "main"}`;
const mf = (branch: Branch) => `mf:${branch ?? "main"}`;

/** A storage call as a step: its label now, its footprint (the keys it reads or writes) on demand. */
class StorageStep implements StepInfo {
  private made: Footprint | undefined;

  constructor(
    readonly label: string,
    private readonly keys: () => Footprint,
  ) {}

  get footprint(): Footprint {
    this.made ??= this.keys();
    return this.made;
  }
}

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

// Summaries of results, for the trace.
const same = <T>(v: T): T => v;
const asVersion = (v: Version) => ({ version: v });
const nothing = () => null;
const copied = (keys: readonly string[]) => [...keys];

export class ScheduledStorage implements Storage {
  readonly datasets: DatasetStore;
  readonly manifest: ManifestStore;
  readonly objects: ObjectStore;
  /** The virtual store, whose effects run synchronously at the grant; null for any other backend. */
  private readonly now: VirtualStore | null;

  constructor(
    inner: Storage,
    private readonly sched: Scheduler,
    private readonly trace: Trace,
    /** Real I/O: the scheduler awaits it rather than counting microtask turns. */
    private readonly externalIo: boolean,
  ) {
    const now = !externalIo && inner instanceof VirtualStore ? inner : null;
    this.now = now;
    const d = inner.datasets;
    const m = inner.manifest;
    const o = inner.objects;
    this.datasets = {
      create: (path, rows = []) =>
        this.call(
          "datasets.create",
          path,
          rows.length > 0 ? { path, ids: rows.map((r) => r.id) } : { path },
          () => writes(ds(path, null)),
          () => (now ? now.datasets.createNow(path, rows) : d.create(path, rows)),
          asVersion,
        ),
      exists: (path) =>
        this.call("datasets.exists", path, { path }, () => reads(ds(path, null)), () => (now ? now.datasets.existsNow(path) : d.exists(path)), same),
      latestVersion: (path, branch) =>
        this.call(
          "datasets.latestVersion",
          path,
          { path, branch },
          () => reads(ds(path, branch)),
          () => (now ? now.datasets.latestVersionNow(path, branch) : d.latestVersion(path, branch)),
          same,
        ),
      checkout: (path, branch, at) =>
        this.call(
          "datasets.checkout",
          path,
          { path, branch, at },
          () => reads(ds(path, branch)),
          () => (now ? now.datasets.checkoutNow(path, branch, at) : d.checkout(path, branch, at)),
          (s) => ({ version: s.version, rows: s.rows.length, fragments: s.fragments, indices: s.indices }),
        ),
      commit: (path, branch, readVersion, delta) =>
        this.call(
          "datasets.commit",
          path,
          { path, branch, readVersion, delta: deltaSummary(delta) },
          () => writes(ds(path, branch)),
          () => (now ? now.datasets.commitNow(path, branch, readVersion, delta) : d.commit(path, branch, readVersion, delta)),
          (r) => ({ version: r.version, rowsAffected: r.rowsAffected }),
        ),
      restore: (path, branch, at) =>
        this.call(
          "datasets.restore",
          path,
          { path, branch, at },
          () => writes(ds(path, branch)),
          () => (now ? now.datasets.restoreNow(path, branch, at) : d.restore(path, branch, at)),
          asVersion,
        ),
      versions: (path, branch) =>
        this.call(
          "datasets.versions",
          path,
          { path, branch },
          () => reads(ds(path, branch)),
          () => (now ? now.datasets.versionsNow(path, branch) : d.versions(path, branch)),
          (vs) => vs.map((v) => [v.version, v.op]),
        ),
      cleanup: (path, branch) =>
        this.call(
          "datasets.cleanup",
          path,
          { path, branch },
          () => writes(ds(path, branch)),
          () => (now ? now.datasets.cleanupNow(path, branch) : d.cleanup(path, branch)),
          (n) => ({ removed: n }),
        ),
    };
    this.manifest = {
      create: (rows = []) =>
        this.call(
          "manifest.create",
          "",
          rows.length > 0 ? { rows: rows.map((r) => r.objectId) } : {},
          () => writes(mf(null)),
          () => (now ? now.manifest.createNow(rows) : m.create(rows)),
          asVersion,
        ),
      exists: () => this.call("manifest.exists", "", {}, () => reads(mf(null)), () => (now ? now.manifest.existsNow() : m.exists()), same),
      latestVersion: (branch) =>
        this.call(
          "manifest.latestVersion",
          "",
          { branch },
          () => reads(mf(branch)),
          () => (now ? now.manifest.latestVersionNow(branch) : m.latestVersion(branch)),
          same,
        ),
      load: (branch, at?: Version) =>
        this.call(
          "manifest.load",
          "",
          { branch, at },
          () => reads(mf(branch)),
          () => (now ? now.manifest.loadNow(branch, at) : m.load(branch, at)),
          (s) => ({ version: s.version, rows: s.rows.length }),
        ),
      merge: (branch, readVersion, rows: readonly ManifestRow[]) =>
        this.call(
          "manifest.merge",
          "",
          { branch, readVersion, rows: rows.map((r) => r.objectId) },
          () => writes(mf(branch)),
          () => (now ? now.manifest.mergeNow(branch, readVersion, rows) : m.merge(branch, readVersion, rows)),
          asVersion,
        ),
      compact: (branch, readVersion) =>
        this.call(
          "manifest.compact",
          "",
          { branch, readVersion },
          () => writes(mf(branch)),
          () => (now ? now.manifest.compactNow(branch, readVersion) : m.compact(branch, readVersion)),
          (v) => (v === null ? null : { version: v }),
        ),
      createBranch: (name, from) =>
        this.call(
          "manifest.createBranch",
          name,
          { name, from },
          () => ({ reads: [mf(from)], writes: [mf(name), "mf:branches"] }),
          () => (now ? now.manifest.createBranchNow(name, from) : m.createBranch(name, from)),
          nothing,
        ),
      deleteBranch: (name) =>
        this.call(
          "manifest.deleteBranch",
          name,
          { name },
          () => writes(mf(name), "mf:branches"),
          () => (now ? now.manifest.deleteBranchNow(name) : m.deleteBranch(name)),
          nothing,
        ),
      listBranches: () =>
        this.call("manifest.listBranches", "", {}, () => reads("mf:branches"), () => (now ? now.manifest.listBranchesNow() : m.listBranches()), copied),
    };
    this.objects = {
      put: (key, body) => this.call("objects.put", key, { key }, () => writes(`obj:${key}`), () => (now ? now.objects.putNow(key, body) : o.put(key, body)), nothing),
      putIfAbsent: (key, body) =>
        this.call("objects.putIfAbsent", key, { key }, () => writes(`obj:${key}`), () => (now ? now.objects.putIfAbsentNow(key, body) : o.putIfAbsent(key, body)), same),
      get: (key) =>
        this.call("objects.get", key, { key }, () => reads(`obj:${key}`), () => (now ? now.objects.getNow(key) : o.get(key)), (body) => ({ bytes: body.length })),
      exists: (key) => this.call("objects.exists", key, { key }, () => reads(`obj:${key}`), () => (now ? now.objects.existsNow(key) : o.exists(key)), same),
      list: (prefix) => this.call("objects.list", prefix, { prefix }, () => reads(`dir:${prefix}`), () => (now ? now.objects.listNow(prefix) : o.list(prefix)), copied),
      delete: (key) => this.call("objects.delete", key, { key }, () => writes(`obj:${key}`), () => (now ? now.objects.deleteNow(key) : o.delete(key)), nothing),
      copy: (from, to) =>
        this.call(
          "objects.copy",
          "",
          { from, to },
          () => ({ reads: [`obj:${from}`], writes: [`obj:${to}`] }),
          () => (now ? now.objects.copyNow(from, to) : o.copy(from, to)),
          nothing,
        ),
    };
  }

  /**
   * One storage call: a scheduling point labelled `op subject`, then the effect, then its trace
   * event. `effect` returns the value itself on the virtual store and a promise elsewhere.
   */
  private call<T>(
    op: string,
    subject: string,
    args: Record<string, unknown>,
    keys: () => Footprint,
    effect: () => T | Promise<T>,
    summarize: (result: T) => unknown,
  ): Promise<T> {
    const step = new StorageStep(subject ? `${op} ${subject}` : op, keys);
    if (this.now === null) return this.callAsync(op, args, step, effect as () => Promise<T>, summarize);
    return this.sched.pointWith(step, () => {
      const actor = this.sched.current?.name ?? "?";
      let result: T;
      try {
        result = effect() as T;
      } catch (error) {
        this.trace.emit({ e: "io", actor, op, args, err: describeError(error) });
        throw error;
      }
      this.trace.emit({ e: "io", actor, op, args, ok: summarize(result) });
      return result;
    });
  }

  /** A backend whose calls settle later (real Lance, or any other `Storage`). */
  private async callAsync<T>(
    op: string,
    args: Record<string, unknown>,
    step: StepInfo,
    effect: () => Promise<T>,
    summarize: (result: T) => unknown,
  ): Promise<T> {
    await this.sched.point(step);
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
