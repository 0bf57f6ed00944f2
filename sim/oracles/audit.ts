// Recovery audits each operation exactly once: no operation id has two audit rows.
import { GRAPH_COMMIT_RECOVERIES } from "../../engine/manifest/layout.ts";
import type { Violation } from "../violations.ts";
import type { JudgeContext } from "./context.ts";

export async function auditedOnce(ctx: JudgeContext): Promise<Violation[]> {
  if (!(await ctx.raw.datasets.exists(GRAPH_COMMIT_RECOVERIES))) return [];
  const head = await ctx.raw.datasets.latestVersion(GRAPH_COMMIT_RECOVERIES, null);
  const rows = (await ctx.raw.datasets.checkout(GRAPH_COMMIT_RECOVERIES, null, head)).rows;
  const counts = new Map<string, string[]>();
  for (const r of rows) {
    const id = String(r.operation_id);
    counts.set(id, [...(counts.get(id) ?? []), String(r.recovery_kind)]);
  }
  return [...counts]
    .filter(([, kinds]) => kinds.length > 1)
    .map(([id, kinds]) => ({
      kind: "audit-duplicated",
      message: `operation ${id} was audited ${kinds.length} times (${kinds.join(", ")})`,
      details: { operationId: id, kinds },
    }));
}
