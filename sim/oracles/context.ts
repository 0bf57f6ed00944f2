// What every oracle gets to look at once a universe has run.
import type { Catalog } from "../../engine/schema/catalog.ts";
import type { Row, Scalar, Storage } from "../../engine/storage/types.ts";
import type { TraceEvent } from "../trace.ts";
import type { Violation } from "../violations.ts";
import type { History, OpRecord, RowRef } from "./history.ts";
import type { BranchHistory } from "./branch-snapshots.ts";
import { type ManifestVersion, type PublishedSnapshot, pinsSignature } from "./published.ts";
import type { SidecarLife } from "./sidecars.ts";

export interface JudgeContext {
  readonly events: readonly TraceEvent[];
  readonly history: History;
  /** Every main-branch manifest version, decoded by the oracles' own reader. */
  readonly manifests: readonly ManifestVersion[];
  readonly snapshots: readonly PublishedSnapshot[];
  /** Every live graph branch (but main) with the snapshots it published. */
  readonly branches: readonly BranchHistory[];
  /** Every recovery sidecar the universe wrote, followed through the trace. */
  readonly sidecars: readonly SidecarLife[];
  /** Every recovery audit row (`_graph_commit_recoveries` at its HEAD). */
  readonly audits: readonly AuditRecord[];
  /** Operation ids with a `RolledForward` audit row (recovery published their effect). */
  readonly rolledForward: ReadonlySet<string>;
  /** The accepted schema at the end of the run. */
  readonly catalog: Catalog;
  readonly raw: Storage;
}

/** One table's line of an audit row's outcomes: what recovery says it did to the table. */
export interface AuditOutcome {
  readonly tableKey: string;
  readonly from: number;
  readonly to: number;
}

/** One recovery audit row, as the oracles read it. */
export interface AuditRecord {
  readonly operationId: string;
  readonly kind: string;
  readonly outcomes: readonly AuditOutcome[];
}

export type Oracle = (ctx: JudgeContext) => Violation[] | Promise<Violation[]>;

export function findRow(snapshot: PublishedSnapshot, ref: RowRef): Row | undefined {
  const rows = snapshot.tables.get(ref.table);
  // NaN equals nothing under `===` (a scan's test), but finds itself in a Map.
  if (!rows || Number.isNaN(ref.value)) return undefined;
  return rowIndex(rows, ref.column).get(ref.value);
}

/**
 * A table's rows by one column's value, the first row holding each value (as a scan would find
 * it); built once per rows array (a version's rows never change, and every future of a crash
 * state reads the same ones).
 */
function rowIndex(rows: readonly Row[], column: string): ReadonlyMap<unknown, Row> {
  let byColumn = rowIndexes.get(rows);
  if (!byColumn) rowIndexes.set(rows, (byColumn = new Map()));
  let index = byColumn.get(column);
  if (!index) {
    const built = new Map<unknown, Row>();
    for (const r of rows) {
      const value = r[column] ?? null;
      if (!built.has(value)) built.set(value, r);
    }
    byColumn.set(column, (index = built));
  }
  return index;
}

const rowIndexes = new WeakMap<readonly Row[], Map<string, ReadonlyMap<unknown, Row>>>();

export function sameRef(a: RowRef, b: RowRef): boolean {
  return a.table === b.table && a.column === b.column && a.value === b.value;
}

/**
 * Whether `op`'s effect may have been published: it was acknowledged, or (failed or cut short)
 * its own actor published a manifest version that moved a pin inside its window, or recovery
 * rolled a sidecar it wrote forward. Only such an operation can explain a change to a row.
 */
export function mayHaveTakenEffect(ctx: Pick<JudgeContext, "manifests" | "sidecars" | "rolledForward">, op: OpRecord): boolean {
  if (op.status === "ok") return true;
  let known = effectMemo.get(ctx);
  if (!known) effectMemo.set(ctx, (known = new Map()));
  let answer = known.get(op);
  if (answer === undefined) {
    answer = publishedInWindow(ctx, op) || ctx.sidecars.some((s) => s.op === op && ctx.rolledForward.has(s.operationId));
    known.set(op, answer);
  }
  return answer;
}

const effectMemo = new WeakMap<object, Map<OpRecord, boolean>>();
const movesMemo = new WeakMap<readonly ManifestVersion[], ManifestVersion[]>();

/** The first publish by the actor that deleted sidecar `s` that moved one of its tables' pins, while it was pending. */
function rollForwardPublish(ctx: Pick<JudgeContext, "manifests">, s: SidecarLife): number | null {
  const tables = new Set(s.record?.tables.map((t) => t.tableKey));
  for (let i = 1; i < ctx.manifests.length; i++) {
    const m = ctx.manifests[i]!;
    if (m.at <= s.putAt || m.at >= s.deletedAt! || m.actor !== s.deletedBy) continue;
    const before = new Map(ctx.manifests[i - 1]!.pins.map((p) => [p.tableKey, p.version]));
    if (m.pins.some((p) => (tables.size === 0 || tables.has(p.tableKey)) && before.get(p.tableKey) !== p.version)) return m.at;
  }
  return null;
}

/** The manifest versions that moved a pin, in order. */
function pinMoves(ctx: Pick<JudgeContext, "manifests">): readonly ManifestVersion[] {
  let moves = movesMemo.get(ctx.manifests);
  if (!moves) {
    moves = ctx.manifests.filter((m, i) => i > 0 && pinSignature(m) !== pinSignature(ctx.manifests[i - 1]!));
    movesMemo.set(ctx.manifests, moves);
  }
  return moves;
}

/** Whether `op`'s own actor published a version that moved a pin inside its window. */
function publishedInWindow(ctx: Pick<JudgeContext, "manifests">, op: OpRecord): boolean {
  const end = op.end ?? Number.MAX_SAFE_INTEGER;
  return pinMoves(ctx).some((m) => m.actor === op.actor.name && m.at >= op.start && m.at < end);
}

export function pinSignature(m: ManifestVersion): string {
  return pinsSignature(m.pins);
}

/**
 * Whether `other` may have changed a row after `op` wrote it, as seen in a snapshot published
 * at trace index `at`: it may have taken effect, it began before that snapshot was published,
 * and its effect was not yet published when `op` began (an operation that ended first is
 * ordered before; one that failed and took effect only when recovery rolled its sidecar forward
 * took effect there, not when it failed).
 */
export function mayOverwrite(ctx: Pick<JudgeContext, "manifests" | "sidecars" | "rolledForward">, op: OpRecord, other: OpRecord, at: number): boolean {
  if (other === op || other.start >= at || !mayHaveTakenEffect(ctx, other)) return false;
  const end = effectEnd(ctx, other);
  return end === null || end > op.start;
}

/**
 * Where `op`'s effect was published at the latest: its end, for an acknowledged operation or one
 * whose own actor published inside its window; for a failed one that took effect only by a
 * roll-forward, the first publish of the recovery that rolled its sidecar forward (a pin move by
 * the actor that then deleted the sidecar, between its put and its delete; the delete itself
 * if the manifests hold none). Null while it had not ended.
 */
function effectEnd(ctx: Pick<JudgeContext, "manifests" | "sidecars" | "rolledForward">, op: OpRecord): number | null {
  if (op.end === null || op.status === "ok" || publishedInWindow(ctx, op)) return op.end;
  let first: number | null = null;
  for (const s of ctx.sidecars) {
    if (s.op !== op || s.deletedAt === null || !ctx.rolledForward.has(s.operationId)) continue;
    const at = Math.max(op.end, rollForwardPublish(ctx, s) ?? s.deletedAt);
    if (first === null || at < first) first = at;
  }
  return first ?? op.end;
}

/** What says whether an operation took effect: the manifests of the branch it wrote, with the universe's sidecars and roll-forwards. */
export type EffectContext = Pick<JudgeContext, "manifests" | "sidecars" | "rolledForward">;

const effectContexts = new WeakMap<JudgeContext, Map<string, EffectContext>>();

/**
 * The effect context of an operation on `branch`: main's manifests for main, the branch's own
 * for a live graph branch, none for a branch no longer live (a failed operation there is then
 * taken to have had no effect on what a live branch shows). A failed write on a branch that
 * published there before it failed took effect, which main's manifests cannot say. One object
 * per branch and context, so `mayHaveTakenEffect`'s memo holds.
 */
export function effectContextOf(ctx: JudgeContext, branch: string): EffectContext {
  if (branch === "main") return ctx;
  let byBranch = effectContexts.get(ctx);
  if (!byBranch) effectContexts.set(ctx, (byBranch = new Map()));
  let found = byBranch.get(branch);
  if (!found) {
    const manifests = ctx.branches.find((b) => b.branch === branch)?.manifests ?? [];
    byBranch.set(branch, (found = { manifests, sidecars: ctx.sidecars, rolledForward: ctx.rolledForward }));
  }
  return found;
}

/** `mayOverwrite`, with whether `other` took effect read from its own branch's manifests. */
export function mayOverwriteOnItsBranch(ctx: JudgeContext, op: OpRecord, other: OpRecord, at: number): boolean {
  return mayOverwrite(effectContextOf(ctx, branchOf(other)), op, other, at);
}

/** Operations that may remove `ref` after `op` (a delete of it, or of a row its deletion cascades from). */
export function removers(ctx: JudgeContext, op: OpRecord, ref: RowRef, at: number): OpRecord[] {
  const deps = ref.dependsOn ?? [];
  return ctx.history.ops.filter(
    (o) => mayOverwriteOnItsBranch(ctx, op, o, at) && o.effect.deletes.some((d) => sameRef(d, ref) || deps.some((x) => sameRef(d, x))),
  );
}

/** The graph branch an operation writes (main unless its effect names another). */
export function branchOf(op: OpRecord): string {
  return op.effect.branch ?? "main";
}

/** Operations that may (re)insert `ref` after `op`. */
export function inserters(ctx: JudgeContext, op: OpRecord, ref: RowRef, at: number): OpRecord[] {
  return ctx.history.ops.filter((o) => mayOverwriteOnItsBranch(ctx, op, o, at) && o.effect.inserts.some((i) => sameRef(i, ref)));
}

export function describeRef(ref: RowRef): string {
  return `${ref.table}[${ref.column}=${String(ref.value)}]`;
}

export function valuesMatch(row: Row, set: Readonly<Record<string, Scalar>>): boolean {
  return Object.entries(set).every(([k, v]) => (row[k] ?? null) === v);
}
