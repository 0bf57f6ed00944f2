// A failed (or crashed) operation is invisible or fully applied, never half: in every
// published snapshot, either all of its rows that no other operation touches show its effect,
// or none do.
import type { Violation } from "../violations.ts";
import { violationOp } from "./history.ts";
import { branchOf, describeRef, findRow, type JudgeContext, touchedByOthers, valuesMatch } from "./context.ts";

export function failedOpsAllOrNothing(ctx: JudgeContext): Violation[] {
  const out: Violation[] = [];
  for (const op of ctx.history.ops) {
    if (op.status === "ok" || branchOf(op) !== "main") continue;
    const inserts = op.effect.inserts.filter((r) => !touchedByOthers(ctx, op, r, true));
    const updates = op.effect.updates.filter((u) => !touchedByOthers(ctx, op, u.row, true));
    if (inserts.length + updates.length < 2) continue;
    for (const s of ctx.snapshots) {
      // A table whose pinned version was cleaned up (hard drop) cannot be judged there.
      if (s.at < op.start || [...inserts, ...updates.map((u) => u.row)].some((r) => !s.tables.has(r.table))) continue;
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
