// Acknowledged writes stay visible: from the first snapshot published after an operation was
// acknowledged, its inserted rows are present and its updated values hold, unless another
// operation touches the same row.
import type { Violation } from "../violations.ts";
import { violationOp } from "./history.ts";
import { branchOf, describeRef, findRow, type JudgeContext, touchedByOthers, valuesMatch } from "./context.ts";

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
    const later = ctx.snapshots.filter((s) => s.at > op.end!);
    // The newest snapshot published before the ack must hold the write too.
    const atAck = ctx.snapshots.findLast((s) => s.at < op.end!);
    const judged = atAck ? [atAck, ...later] : later;
    for (const ref of op.effect.inserts) {
      if (touchedByOthers(ctx, op, ref, false)) continue;
      const missing = judged.find((s) => s.tables.has(ref.table) && !findRow(s, ref));
      if (missing) {
        out.push({
          kind: "acked-write-lost",
          message: `${op.label} was acknowledged, but ${manifest} v${missing.version} does not show ${describeRef(ref)}`,
          op: violationOp(op),
          table: ref.table,
          details: { version: missing.version },
        });
        break;
      }
    }
    for (const u of op.effect.updates) {
      if (touchedByOthers(ctx, op, u.row, true)) continue;
      const stale = judged.find((s) => {
        if (!s.tables.has(u.row.table)) return false;
        const row = findRow(s, u.row);
        return !row || !valuesMatch(row, u.set);
      });
      if (stale) {
        out.push({
          kind: "acked-write-lost",
          message: `${op.label} was acknowledged, but ${manifest} v${stale.version} does not show its update of ${describeRef(u.row)}`,
          op: violationOp(op),
          table: u.row.table,
          details: { version: stale.version },
        });
      }
    }
  }
  return out;
}
