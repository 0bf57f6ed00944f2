// The engine's public face: one open handle of one graph. Every method is a sequence of
// storage calls and failpoints, so under the simulator each is interleavable at every step.
import type { Env } from "../env.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import type { TypeKind } from "../schema/catalog.ts";
import type { Row } from "../storage/types.ts";
import { ensureIndices, type EnsureIndicesResult } from "../maintenance/ensure-indices.ts";
import { optimize, type TableOptimizeStats } from "../maintenance/optimize.ts";
import { cleanup, type CleanupOptions, type CleanupStats, reconcileOrphanedBranches } from "../maintenance/cleanup.ts";
import { applySchema, type SchemaApplyOptions, type SchemaApplyResult } from "../schema-apply/apply.ts";
import { planSchema, type SchemaPlan } from "../schema-apply/plan-schema.ts";
import { load, type LoadResult, type LoadSpec } from "../write/load.ts";
import type { MutationOp, MutationResult } from "../write/ops.ts";
import { mutate, type WriteOptions } from "../write/mutate.ts";
import { branchCreate, branchCreateFrom, branchDelete, branchList, snapshotOf, syncBranch } from "./branches.ts";
import { branchMerge, type MergeOutcome } from "../merge/merge.ts";
import type { Handle } from "../handle/handle.ts";
import { initGraph } from "./init.ts";
import { openGraph, type OpenOptions } from "./open.ts";
import { readTable } from "./read.ts";
import { refreshHandle } from "./refresh.ts";

export class Omnigraph {
  private constructor(readonly handle: Handle) {}

  /** Creates a new graph with `schemaSource` and returns a read-write handle on it. */
  static async init(env: Env, schemaSource: string, options: OpenOptions = {}): Promise<Omnigraph> {
    return new Omnigraph(await initGraph(env, schemaSource, options));
  }

  /** Opens the graph; read-write opens run the recovery sweep first. */
  static async open(env: Env, options: OpenOptions = {}): Promise<Omnigraph> {
    return new Omnigraph(await openGraph(env, options));
  }

  /** The warm snapshot (no I/O). */
  get snapshot(): Snapshot {
    return this.handle.coordinator.snapshot;
  }

  refresh(): Promise<void> {
    return refreshHandle(this.handle);
  }

  /** A table's rows as its branch (default: the bound branch) publishes them. */
  read(kind: TypeKind, type: string, branch?: string): Promise<Row[]> {
    return readTable(this.handle, kind, type, branch);
  }

  /** `mutate_as(branch, ...)`: on `options.branch`, or the bound branch. */
  mutate(ops: readonly MutationOp[], actor: string | null = null, options: WriteOptions = {}): Promise<MutationResult> {
    return mutate(this.handle, ops, actor, options);
  }

  load(spec: LoadSpec, actor: string | null = null, options: WriteOptions = {}): Promise<LoadResult> {
    return load(this.handle, spec, actor, options);
  }

  /** `snapshot_of(branch)`: the bound branch probed, any other read cold. */
  snapshotOf(branch: string): Promise<Snapshot> {
    return snapshotOf(this.handle, branch);
  }

  /** A branch of the bound branch, at the version its warm snapshot pins. */
  branchCreate(name: string): Promise<void> {
    return branchCreate(this.handle, name);
  }

  /** A branch of `from` at its head. */
  branchCreateFrom(from: string, name: string): Promise<void> {
    return branchCreateFrom(this.handle, from, name);
  }

  /** "main" and every public branch. */
  branchList(): Promise<string[]> {
    return branchList(this.handle);
  }

  /** `sync_branch`: bind the handle to `name` at its head. */
  syncBranch(name: string): Promise<void> {
    return syncBranch(this.handle, name);
  }

  branchDelete(name: string): Promise<void> {
    return branchDelete(this.handle, name);
  }

  /** `branch_merge_as(source, target)`: fast-forward or three-way, all or nothing. */
  branchMerge(source: string, target: string, actor: string | null = null): Promise<MergeOutcome> {
    return branchMerge(this.handle, source, target, actor);
  }

  /** What `applySchema(source, options)` would do; reads the schema contract, writes nothing. */
  planSchema(source: string, options: SchemaApplyOptions = {}): Promise<SchemaPlan> {
    return planSchema(this.handle.env, source, options);
  }

  applySchema(source: string, options: SchemaApplyOptions = {}): Promise<SchemaApplyResult> {
    return applySchema(this.handle, source, options);
  }

  ensureIndices(): Promise<EnsureIndicesResult> {
    return ensureIndices(this.handle);
  }

  optimize(): Promise<TableOptimizeStats[]> {
    return optimize(this.handle);
  }

  /** `reconcile_orphaned_branches`, cleanup's first half alone (no version is removed). */
  reconcileOrphanedBranches(): Promise<Pick<CleanupStats, "reclaimed" | "failures">> {
    return reconcileOrphanedBranches(this.handle);
  }

  /** `cleanup`: orphaned forks and commit-graph branches reclaimed, then old versions on main. */
  cleanup(options: CleanupOptions): Promise<CleanupStats> {
    return cleanup(this.handle, options);
  }
}
