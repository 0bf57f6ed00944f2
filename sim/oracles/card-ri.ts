// `@card` and referential integrity hold in every published snapshot: no source has more
// edges than max (or, when present, fewer than min), and no edge points at a missing node.
import { tableKeyFor } from "../../engine/schema/catalog.ts";
import { isDefaultCardinality } from "../../engine/schema/property-types.ts";
import type { Row } from "../../engine/storage/types.ts";
import type { Violation } from "../violations.ts";
import type { JudgeContext } from "./context.ts";

export function cardinalityAndIntegrity(ctx: JudgeContext): Violation[] {
  return cardinalityAndIntegrityOn(ctx, "main");
}

/** The same over `ctx.snapshots` as `branch` published them. */
export function cardinalityAndIntegrityOn(ctx: Pick<JudgeContext, "snapshots" | "catalog">, branch: string): Violation[] {
  const manifest = branch === "main" ? "manifest" : `${branch}'s manifest`;
  const out: Violation[] = [];
  const seen = new Set<string>();
  // One report per broken fact (the first snapshot that shows it), not one per snapshot.
  const report = (v: Violation) => {
    const d = v.details as Record<string, unknown>;
    const key = `${v.kind}:${String(v.table)}:${String(d.source ?? d.id)}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  };
  for (const snap of ctx.snapshots) {
    for (const edge of ctx.catalog.edges.values()) {
      const rows = snap.tables.get(tableKeyFor("edge", edge.name));
      if (!rows) continue;
      if (!isDefaultCardinality(edge.cardinality)) {
        const counts = new Map<string, number>();
        for (const r of rows) counts.set(String(r.src), (counts.get(String(r.src)) ?? 0) + 1);
        for (const [src, n] of [...counts].sort()) {
          const { min, max } = edge.cardinality;
          if ((max !== null && n > max) || n < min) {
            report({
              kind: "card-violated",
              message: `${manifest} v${snap.version} publishes ${n} ${edge.name} edges for source '${src}' under @card(${min}..${max ?? ""})`,
              table: tableKeyFor("edge", edge.name),
              details: { version: snap.version, edge: edge.name, source: src, count: n, ...(branch === "main" ? {} : { branch }) },
            });
          }
        }
      }
      const from = idsOf(snap.tables.get(tableKeyFor("node", edge.from)));
      const to = idsOf(snap.tables.get(tableKeyFor("node", edge.to)));
      for (const r of rows) {
        const missing = from && !from.has(r.src) ? `src '${String(r.src)}'` : to && !to.has(r.dst) ? `dst '${String(r.dst)}'` : null;
        if (missing) {
          report({
            kind: "dangling-edge",
            message: `${manifest} v${snap.version} publishes a ${edge.name} edge whose ${missing} does not exist`,
            table: tableKeyFor("edge", edge.name),
            details: { version: snap.version, edge: edge.name, id: r.id, ...(branch === "main" ? {} : { branch }) },
          });
        }
      }
    }
  }
  return out;
}

/** A node table's ids, for O(1) endpoint checks (absent when the table is not in the snapshot). */
function idsOf(rows: readonly Row[] | undefined): ReadonlySet<unknown> | undefined {
  return rows && new Set(rows.map((n) => n.id));
}
