// Acknowledged writes stay: from the newest snapshot published before an operation was
// acknowledged on, its inserted rows are present, its deleted rows absent and its updated
// values hold. Another operation excuses a difference only if it may have taken effect (it was
// acknowledged, or its publish or roll-forward is on record) and is ordered after the
// acknowledged write (it had not ended when the write began, and it began before the snapshot
// that shows the difference). An updated value may differ only by showing such a later
// operation's own value.
import type { Row, Scalar } from "../../engine/storage/types.ts";
import type { Violation } from "../violations.ts";
import { type OpRecord, type RowRef, violationOp } from "./history.ts";
import { branchOf, describeRef, findRow, inserters, type JudgeContext, mayOverwriteOnItsBranch, removers, sameRef } from "./context.ts";
import type { PublishedSnapshot } from "./published.ts";

/** The snapshots an acknowledged operation is judged in: the one current at its ack, and every later one. */
function judgedSnapshots(ctx: JudgeContext, op: OpRecord): PublishedSnapshot[] {
  const later = ctx.snapshots.filter((s) => s.at > op.end!);
  const atAck = ctx.snapshots.findLast((s) => s.at < op.end!);
  return atAck ? [atAck, ...later] : later;
}

function lost(op: OpRecord, ref: RowRef, s: PublishedSnapshot, what: string, manifest: string): Violation {
  return {
    kind: "acked-write-lost",
    message: `${op.label} was acknowledged, but ${manifest} v${s.version} ${what} ${describeRef(ref)}`,
    op: violationOp(op),
    table: ref.table,
    details: { version: s.version, row: describeRef(ref) },
  };
}

/** Whether each updated column shows `op`'s value or the value of an update that may follow it. */
function updateHolds(ctx: JudgeContext, op: OpRecord, ref: RowRef, set: Readonly<Record<string, Scalar>>, row: Row, at: number): boolean {
  const later = ctx.history.ops.filter((o) => mayOverwriteOnItsBranch(ctx, op, o, at));
  // A re-insert of the row after the update may carry any values.
  if (later.some((o) => o.effect.inserts.some((i) => sameRef(i, ref)))) return true;
  return Object.entries(set).every(([column, value]) => {
    const shown = row[column] ?? null;
    return shown === value || later.some((o) => o.effect.updates.some((u) => sameRef(u.row, ref) && (u.set[column] ?? null) === shown && column in u.set));
  });
}

/**
 * Whether a graph-branch merge into `branch` may have changed the target's rows after `op`: the
 * harness's record names a merge's source, not the rows it brings, so such a merge (ordered
 * after the write, and effective) excuses any difference it could make.
 */
function mergedAfter(ctx: JudgeContext, op: OpRecord, branch: string, at: number): boolean {
  return ctx.history.ops.some((o) => o.effect.mergedFrom !== undefined && branchOf(o) === branch && mayOverwriteOnItsBranch(ctx, op, o, at));
}

export function ackedWritesVisible(ctx: JudgeContext): Violation[] {
  return ackedWritesVisibleOn(ctx, "main");
}

/**
 * The same, for the writes on `branch` begun after trace index `since` (a branch's current
 * incarnation), judged by `ctx.snapshots` (that branch's).
 */
export function ackedWritesVisibleOn(ctx: JudgeContext, branch: string, since = -1): Violation[] {
  const manifest = branch === "main" ? "manifest" : `${branch}'s manifest`;
  const out: Violation[] = [];
  for (const op of ctx.history.ops) {
    // Main's snapshots judge main's writes; a branch's own oracle judges the others.
    if (op.status !== "ok" || op.end === null || branchOf(op) !== branch || op.start <= since) continue;
    const judged = judgedSnapshots(ctx, op);
    const inserted = op.effect.inserts
      .map((ref) => ({ ref, s: judged.find((s) => s.tables.has(ref.table) && !findRow(s, ref) && removers(ctx, op, ref, s.at).length === 0 && !mergedAfter(ctx, op, branch, s.at)) }))
      .find((x) => x.s);
    if (inserted) out.push(lost(op, inserted.ref, inserted.s!, "does not show", manifest));
    const deleted = op.effect.deletes
      .map((ref) => ({ ref, s: judged.find((s) => s.tables.has(ref.table) && findRow(s, ref) && inserters(ctx, op, ref, s.at).length === 0 && !mergedAfter(ctx, op, branch, s.at)) }))
      .find((x) => x.s);
    if (deleted) {
      const v = lost(op, deleted.ref, deleted.s!, "still shows the deleted row", manifest);
      out.push({ ...v, kind: "acked-delete-undone" });
    }
    // An update of a row that is absent (deleted before, or never inserted) changed nothing:
    // absence is judged by the insert and delete rules.
    for (const u of op.effect.updates) {
      const stale = judged.find((s) => {
        const row = findRow(s, u.row);
        return row !== undefined && !updateHolds(ctx, op, u.row, u.set, row, s.at) && !mergedAfter(ctx, op, branch, s.at);
      });
      if (stale) {
        out.push({ ...lost(op, u.row, stale, "does not show its update of", manifest), details: { version: stale.version, row: describeRef(u.row), set: u.set, shown: findRow(stale, u.row) } });
      }
    }
  }
  return out;
}
