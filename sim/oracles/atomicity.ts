// A failed (or crashed) operation is invisible or fully applied, never half: in every
// published snapshot, either all of its rows show its effect, or none do. A row is left out of
// a snapshot's judgement only when another operation can explain it there: one that may have
// taken effect (acknowledged, or its publish or roll-forward is on record) and had begun before
// that snapshot was published, and that inserts, deletes or updates the row (or deletes a row
// its deletion cascades from). A failed operation with no trace of effect, or one that began
// after the snapshot, explains nothing.
import type { Violation } from "../violations.ts";
import { type OpRecord, type RowRef, violationOp } from "./history.ts";
import { branchOf, describeRef, findRow, type JudgeContext, mayHaveTakenEffect, sameRef, valuesMatch } from "./context.ts";
import type { PublishedSnapshot } from "./published.ts";

/**
 * Whether an operation other than `op`, visible by snapshot `s`, may have changed `ref`. Plain
 * loops, not `some` with closures: this runs for every row of every failed operation against
 * every snapshot and every other operation, and the closures were a tenth of a run's allocation.
 */
function explainedByOthers(ctx: JudgeContext, op: OpRecord, ref: RowRef, s: PublishedSnapshot): boolean {
  for (const o of ctx.history.ops) {
    if (o === op || !(o.start < s.at)) continue;
    // A merge into main may bring any row (the record names its source, not its rows).
    const touches = (o.effect.mergedFrom !== undefined && branchOf(o) === "main") || deletesRef(o, ref) || insertsRef(o, ref) || updatesRef(o, ref);
    if (touches && mayHaveTakenEffect(ctx, o)) return true;
  }
  return false;
}

/** Whether `o` deletes `ref`, or a row `ref`'s deletion cascades from. */
function deletesRef(o: OpRecord, ref: RowRef): boolean {
  const deps = ref.dependsOn;
  for (const d of o.effect.deletes) {
    if (sameRef(d, ref)) return true;
    if (deps) for (const x of deps) if (sameRef(d, x)) return true;
  }
  return false;
}

function insertsRef(o: OpRecord, ref: RowRef): boolean {
  for (const i of o.effect.inserts) if (sameRef(i, ref)) return true;
  return false;
}

function updatesRef(o: OpRecord, ref: RowRef): boolean {
  for (const u of o.effect.updates) if (sameRef(u.row, ref)) return true;
  return false;
}

export function failedOpsAllOrNothing(ctx: JudgeContext): Violation[] {
  const out: Violation[] = [];
  for (const op of ctx.history.ops) {
    if (op.status === "ok" || branchOf(op) !== "main" || op.effect.inserts.length + op.effect.updates.length < 2) continue;
    for (const s of ctx.snapshots) {
      if (s.at < op.start) continue;
      const inserts = op.effect.inserts.filter((r) => !explainedByOthers(ctx, op, r, s));
      const updates = op.effect.updates.filter((u) => !explainedByOthers(ctx, op, u.row, s));
      // A table whose pinned version was cleaned up (hard drop) cannot be judged there.
      if (inserts.length + updates.length < 2 || [...inserts, ...updates.map((u) => u.row)].some((r) => !s.tables.has(r.table))) continue;
      const applied = [...inserts.map((r) => !!findRow(s, r)), ...updates.map((u) => {
        const row = findRow(s, u.row);
        return !!row && valuesMatch(row, u.set);
      })];
      if (applied.some(Boolean) && !applied.every(Boolean)) {
        const shown = inserts.filter((r) => findRow(s, r)).map(describeRef);
        out.push({
          kind: "partial-effect",
          message: `${op.label} ${op.status === "err" ? `failed (${op.errorKind})` : "never finished"}, yet manifest v${s.version} shows part of it: ${shown.join(", ") || "some updates"}`,
          op: violationOp(op),
          details: { version: s.version },
        });
        break;
      }
    }
  }
  return out;
}
