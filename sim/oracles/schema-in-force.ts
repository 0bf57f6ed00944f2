// The schema an acknowledged apply asked for is the schema in force afterwards: when the last
// schema apply of a universe returned ok, and every other apply had returned ok before it began
// (so none can take effect after it, not even by a recovery rolling it forward), the final
// accepted schema is the one it asked for, whether it rewrote tables or found nothing to do.
// Nothing but a schema apply changes the accepted schema (writes, merges, maintenance and the
// recovery of their sidecars do not). An apply that returns ok while another schema stays in
// force has planned against a schema that was not the live one (a handle whose catalog went
// stale). The desired source is what the harness asked for; the accepted schema is read from the
// raw store: its source text, or, when the texts differ, the IR the desired source compiles to
// against the accepted `_schema.ir.json` (two texts of one schema are the same schema).
import { renderSchemaContract, SCHEMA_IR_FILE, SCHEMA_SOURCE_FILE } from "../../engine/schema/contract.ts";
import type { Violation } from "../violations.ts";
import type { JudgeContext } from "./context.ts";
import { violationOp } from "./history.ts";

export async function schemaInForce(ctx: Pick<JudgeContext, "raw" | "history">): Promise<Violation[]> {
  const applies = ctx.history.ops.filter((o) => o.kind === "schemaApply");
  const last = applies.reduce<(typeof applies)[number] | null>((a, o) => (a === null || o.start > a.start ? o : a), null);
  const desired = last?.effect.schema;
  if (!last || last.status !== "ok" || desired === undefined) return [];
  if (applies.some((o) => o !== last && (o.status !== "ok" || o.end === null || o.end > last.start))) return [];
  const accepted = await ctx.raw.objects.get(SCHEMA_SOURCE_FILE);
  if (accepted === desired) return [];
  if ((await ctx.raw.objects.exists(SCHEMA_IR_FILE)) && (await ctx.raw.objects.get(SCHEMA_IR_FILE)) === renderSchemaContract(desired).irJson) return [];
  return [
    {
      kind: "schema-not-in-force",
      message: `${last.label} returned ok, the last schema apply, but the accepted schema is not the one it asked for`,
      op: violationOp(last),
      details: {},
    },
  ];
}
