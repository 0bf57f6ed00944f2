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
import type { Actor, Scheduler } from "./scheduler.ts";
import type { Footprint, StepInfo } from "./step.ts";
import { type ObjectWrite, type StorageCall, storageCall, type StorageOp } from "./storage-calls.ts";
import { type StoreSnapshot, VirtualStore } from "./store/virtual-store.ts";
import { describeError, type Trace } from "./trace.ts";

/** A fault the storage fault plan chose for one call, before its scheduling point. */
export interface PlannedStorageFault {
  /** Virtual milliseconds the caller is held up before the call (latency); 0 for none. */
  readonly delayMs: number;
}

/** The storage fault layer as the seam calls it (`sim/faults/`). */
export interface StorageFaultLayer {
  /** In the calling actor's turn, before the call's scheduling point: the fault for this call, if any. */
  plan(call: StorageCall): PlannedStorageFault | null;
  /** At the grant: the call's effect on `store` with `fault` applied (it may throw, or change what is durable). */
  apply<T>(fault: PlannedStorageFault, call: StorageCall, store: VirtualStore, effect: (store: VirtualStore) => T, actor: string): T;
  /** At every grant, before the effect: the durable state as it stands (stale reads look back over these). */
  noteState(store: VirtualStore): void;
}

/** What the crash-state recorder sees of one call that took effect. */
export interface ObservedCall {
  readonly call: StorageCall;
  readonly actor: Actor;
  readonly before: StoreSnapshot;
  /** Durable states the call passed through before its last (see `VirtualStore.partsOf`). */
  readonly parts: readonly StoreSnapshot[];
  readonly after: StoreSnapshot;
  /** Trace length before and after the call's io event. */
  readonly traceBefore: number;
  readonly traceAfter: number;
}

/** The crash-state recorder as the seam calls it (`sim/cuts/`). */
export interface StorageCutObserver {
  /** Whether calls are being recorded now (a scenario's setup is not). */
  readonly recording: boolean;
  observe(observed: ObservedCall): void;
}

const NO_PARTS: readonly StoreSnapshot[] = Object.freeze([]);

function attempt<T>(effect: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: effect() };
  } catch (error) {
    return { ok: false, error };
  }
}

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

/**
 * A put's trace arguments: its key, and for a recovery sidecar its body too, so the oracles can
 * judge what recovery did with a writer's intent after the sidecar itself is gone. The body's
 * table paths are given relative to the graph root, as every traced call names datasets (the
 * root is a temporary directory on Lance: the trace must not depend on it).
 */
function tracedPutArgs(key: string, body: string): Record<string, unknown> {
  if (!key.startsWith("__recovery/")) return { key };
  return { key, body: body.replace(/("table_path":\s*")[^"]*?((?:nodes|edges)\/[^"/]+)"/g, "$1$2\"") };
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
  /** The seeded storage fault plan (`sim/faults/`), on the virtual store only; null: no faults. */
  faults: StorageFaultLayer | null = null;
  /** The crash-state recorder (`sim/cuts/`), on the virtual store only; null: nothing recorded. */
  cuts: StorageCutObserver | null = null;

  constructor(
    inner: Storage,
    private readonly sched: Scheduler,
    private readonly trace: Trace,
    /** Real I/O: the scheduler awaits it rather than counting microtask turns. */
    private readonly externalIo: boolean,
  ) {
    this.now = !externalIo && inner instanceof VirtualStore ? inner : null;
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
          (s) => s.datasets.createNow(path, rows), () => d.create(path, rows),
          asVersion,
        ),
      exists: (path) =>
        this.call("datasets.exists", path, { path }, () => reads(ds(path, null)), (s) => s.datasets.existsNow(path), () => d.exists(path), same),
      latestVersion: (path, branch) =>
        this.call(
          "datasets.latestVersion",
          path,
          { path, branch },
          () => reads(ds(path, branch)),
          (s) => s.datasets.latestVersionNow(path, branch), () => d.latestVersion(path, branch),
          same,
        ),
      checkout: (path, branch, at) =>
        this.call(
          "datasets.checkout",
          path,
          { path, branch, at },
          () => reads(ds(path, branch)),
          (s) => s.datasets.checkoutNow(path, branch, at), () => d.checkout(path, branch, at),
          (s) => ({ version: s.version, rows: s.rows.length, fragments: s.fragments, indices: s.indices }),
        ),
      commit: (path, branch, readVersion, delta) =>
        this.call(
          "datasets.commit",
          path,
          { path, branch, readVersion, delta: deltaSummary(delta) },
          () => writes(ds(path, branch)),
          (s) => s.datasets.commitNow(path, branch, readVersion, delta), () => d.commit(path, branch, readVersion, delta),
          (r) => ({ version: r.version, rowsAffected: r.rowsAffected }),
        ),
      restore: (path, branch, at) =>
        this.call(
          "datasets.restore",
          path,
          { path, branch, at },
          () => writes(ds(path, branch)),
          (s) => s.datasets.restoreNow(path, branch, at), () => d.restore(path, branch, at),
          asVersion,
        ),
      versions: (path, branch) =>
        this.call(
          "datasets.versions",
          path,
          { path, branch },
          () => reads(ds(path, branch)),
          (s) => s.datasets.versionsNow(path, branch), () => d.versions(path, branch),
          (vs) => vs.map((v) => [v.version, v.op]),
        ),
      cleanup: (path, branch) =>
        this.call(
          "datasets.cleanup",
          path,
          { path, branch },
          () => writes(ds(path, branch)),
          (s) => s.datasets.cleanupNow(path, branch), () => d.cleanup(path, branch),
          (n) => ({ removed: n }),
        ),
      createBranch: (path, name, from, at) =>
        this.call(
          "datasets.createBranch",
          path,
          { path, name, from, at },
          () => ({ reads: [ds(path, from)], writes: [ds(path, name), `dsb:${path}`] }),
          (s) => s.datasets.createBranchNow(path, name, from, at), () => d.createBranch(path, name, from, at),
          nothing,
        ),
      deleteBranch: (path, name) =>
        this.call(
          "datasets.deleteBranch",
          path,
          { path, name },
          () => writes(ds(path, name), `dsb:${path}`),
          (s) => s.datasets.deleteBranchNow(path, name), () => d.deleteBranch(path, name),
          nothing,
        ),
      listBranches: (path) =>
        this.call("datasets.listBranches", path, { path }, () => reads(`dsb:${path}`), (s) => s.datasets.listBranchesNow(path), () => d.listBranches(path), copied),
      branchContents: (path, name) =>
        this.call(
          "datasets.branchContents",
          path,
          { path, name },
          () => reads(ds(path, name)),
          (s) => s.datasets.branchContentsNow(path, name), () => d.branchContents(path, name),
          same,
        ),
    };
    this.manifest = {
      create: (rows = []) =>
        this.call(
          "manifest.create",
          "",
          rows.length > 0 ? { rows: rows.map((r) => r.objectId) } : {},
          () => writes(mf(null)),
          (s) => s.manifest.createNow(rows), () => m.create(rows),
          asVersion,
        ),
      exists: () => this.call("manifest.exists", "", {}, () => reads(mf(null)), (s) => s.manifest.existsNow(), () => m.exists(), same),
      latestVersion: (branch) =>
        this.call(
          "manifest.latestVersion",
          "",
          { branch },
          () => reads(mf(branch)),
          (s) => s.manifest.latestVersionNow(branch), () => m.latestVersion(branch),
          same,
        ),
      load: (branch, at?: Version) =>
        this.call(
          "manifest.load",
          "",
          { branch, at },
          () => reads(mf(branch)),
          (s) => s.manifest.loadNow(branch, at), () => m.load(branch, at),
          (s) => ({ version: s.version, rows: s.rows.length }),
        ),
      merge: (branch, readVersion, rows: readonly ManifestRow[]) =>
        this.call(
          "manifest.merge",
          "",
          { branch, readVersion, rows: rows.map((r) => r.objectId) },
          () => writes(mf(branch)),
          (s) => s.manifest.mergeNow(branch, readVersion, rows), () => m.merge(branch, readVersion, rows),
          asVersion,
        ),
      compact: (branch, readVersion) =>
        this.call(
          "manifest.compact",
          "",
          { branch, readVersion },
          () => writes(mf(branch)),
          (s) => s.manifest.compactNow(branch, readVersion), () => m.compact(branch, readVersion),
          (v) => (v === null ? null : { version: v }),
        ),
      createBranch: (name, from, at?: Version) =>
        this.call(
          "manifest.createBranch",
          name,
          at === undefined ? { name, from } : { name, from, at },
          () => ({ reads: [mf(from)], writes: [mf(name), "mf:branches"] }),
          (s) => s.manifest.createBranchNow(name, from, at), () => m.createBranch(name, from, at),
          nothing,
        ),
      deleteBranch: (name) =>
        this.call(
          "manifest.deleteBranch",
          name,
          { name },
          () => writes(mf(name), "mf:branches"),
          (s) => s.manifest.deleteBranchNow(name), () => m.deleteBranch(name),
          nothing,
        ),
      listBranches: () =>
        this.call("manifest.listBranches", "", {}, () => reads("mf:branches"), (s) => s.manifest.listBranchesNow(), () => m.listBranches(), copied),
      branchContents: (name) =>
        this.call("manifest.branchContents", name, { name }, () => reads(mf(name)), (s) => s.manifest.branchContentsNow(name), () => m.branchContents(name), same),
    };
    this.objects = {
      put: (key, body) =>
        this.call("objects.put", key, tracedPutArgs(key, body), () => writes(`obj:${key}`), (s) => s.objects.putNow(key, body), () => o.put(key, body), nothing, { key, body }),
      putIfAbsent: (key, body) =>
        this.call(
          "objects.putIfAbsent",
          key,
          { key },
          () => writes(`obj:${key}`),
          (s) => s.objects.putIfAbsentNow(key, body),
          () => o.putIfAbsent(key, body),
          same,
          { key, body },
        ),
      get: (key) =>
        this.call("objects.get", key, { key }, () => reads(`obj:${key}`), (s) => s.objects.getNow(key), () => o.get(key), (body) => ({ bytes: body.length })),
      exists: (key) => this.call("objects.exists", key, { key }, () => reads(`obj:${key}`), (s) => s.objects.existsNow(key), () => o.exists(key), same),
      list: (prefix) => this.call("objects.list", prefix, { prefix }, () => reads(`dir:${prefix}`), (s) => s.objects.listNow(prefix), () => o.list(prefix), copied),
      delete: (key) => this.call("objects.delete", key, { key }, () => writes(`obj:${key}`), (s) => s.objects.deleteNow(key), () => o.delete(key), nothing),
      copy: (from, to) =>
        this.call(
          "objects.copy",
          "",
          { from, to },
          () => ({ reads: [`obj:${from}`], writes: [`obj:${to}`] }),
          (s) => s.objects.copyNow(from, to), () => o.copy(from, to),
          nothing,
          { key: to, from },
        ),
    };
  }

  /**
   * One storage call: a scheduling point labelled `op subject`, then the effect, then its trace
   * event. On the virtual store the effect (`virtual`, run against the store) takes place the
   * moment the step is granted, through the seam's layers: the seeded storage faults, then the
   * crash-state recorder, which sees what became durable. Any other backend runs `backend`.
   */
  private call<T>(
    op: StorageOp,
    subject: string,
    args: Record<string, unknown>,
    keys: () => Footprint,
    virtual: (store: VirtualStore) => T,
    backend: () => Promise<T>,
    summarize: (result: T) => unknown,
    object?: ObjectWrite,
  ): Promise<T> {
    const step = new StorageStep(subject ? `${op} ${subject}` : op, keys);
    const store = this.now;
    if (store === null) return this.callAsync(op, args, step, backend, summarize);
    const call = storageCall(op, subject, args, object);
    const fault = this.faults?.plan(call) ?? null;
    const effect = () => this.takeEffect(store, call, fault, virtual, summarize);
    // Latency: the caller is held up in virtual time before its call reaches the store.
    if (fault?.delayMs) return this.sched.sleep(fault.delayMs).then(() => this.sched.pointWith(step, effect));
    return this.sched.pointWith(step, effect);
  }

  /** A call's effect at its grant: faulted or not, traced, and recorded when it changed durable state. */
  private takeEffect<T>(store: VirtualStore, call: StorageCall, fault: PlannedStorageFault | null, virtual: (store: VirtualStore) => T, summarize: (result: T) => unknown): T {
    const actor = this.sched.current!;
    this.faults?.noteState(store);
    const cuts = this.cuts?.recording ? this.cuts : null;
    const before = cuts ? store.snapshot() : null;
    const { op, args } = call;
    if (!fault && !cuts) {
      // The common case, with no closure or outcome object: the effect, its io event, its result.
      let value: T;
      try {
        value = virtual(store);
      } catch (error) {
        this.trace.emit({ e: "io", actor: actor.name, op, args, err: describeError(error) });
        throw error;
      }
      this.trace.emit({ e: "io", actor: actor.name, op, args, ok: summarize(value) });
      return value;
    }
    const traceBefore = this.trace.length;
    const effect = fault ? () => this.faults!.apply(fault, call, store, virtual, actor.name) : () => virtual(store);
    const { parts, outcome } = cuts ? store.partsOf(effect) : { parts: NO_PARTS, outcome: attempt(effect) };
    if (outcome.ok) this.trace.emit({ e: "io", actor: actor.name, op, args, ok: summarize(outcome.value) });
    else this.trace.emit({ e: "io", actor: actor.name, op, args, err: describeError(outcome.error) });
    if (cuts && before) cuts.observe({ call, actor, before, parts, after: store.snapshot(), traceBefore, traceAfter: this.trace.length });
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /** A backend whose calls settle later (real Lance, or any other `Storage`). */
  private async callAsync<T>(
    op: StorageOp,
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
