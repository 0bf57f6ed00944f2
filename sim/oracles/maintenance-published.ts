// An acknowledged optimize has published what it committed: when `optimize` returns ok, every
// compaction or index build it committed on a main-branch table is at or below that table's
// published pin. Upstream's optimize publishes each table it compacted before it returns
// (#297's monotonic fast-forward moves the pin up to its last commit, or finds it there
// already; before #297 the publish fails the operation instead). A commit left unpublished is
// drift that the next writer either adopts as its own or trips over. The commits are read from
// the trace (the optimize's actor and the workers of its process, inside its window), the pins
// from the oracles' own manifest reader.
import type { Version } from "../../engine/storage/types.ts";
import type { Violation } from "../violations.ts";
import type { JudgeContext } from "./context.ts";
import { violationOp } from "./history.ts";
import type { ManifestVersion } from "./published.ts";
import { operationAt } from "./sidecars.ts";

/** The dataset commits that are optimize's own work (a recovery inside it restores, it does not commit these). */
const MAINTENANCE_DELTAS = new Set(["Rewrite", "CreateIndex"]);

export function maintenancePublished(ctx: Pick<JudgeContext, "events" | "history" | "manifests">): Violation[] {
  const out: Violation[] = [];
  for (const op of ctx.history.ops) {
    if (op.kind !== "optimize" || op.status !== "ok" || op.end === null) continue;
    const committed = new Map<string, Version>();
    for (let i = op.start; i < op.end && i < ctx.events.length; i++) {
      const ev = ctx.events[i]!;
      if (ev.e !== "io" || ev.op !== "datasets.commit" || !("ok" in ev) || ev.ok === null) continue;
      const args = ev.args as { path?: unknown; branch?: unknown; delta?: { op?: unknown } };
      const version = (ev.ok as { version?: unknown }).version;
      if (args.branch !== null || typeof version !== "number" || !MAINTENANCE_DELTAS.has(String(args.delta?.op))) continue;
      if (operationAt(ctx.history, ctx.events, ev.actor, i) !== op) continue;
      const path = String(args.path);
      committed.set(path, Math.max(committed.get(path) ?? 0, version) as Version);
    }
    if (committed.size === 0) continue;
    let current: ManifestVersion | undefined;
    for (const m of ctx.manifests) if (m.at < op.end) current = m;
    for (const [path, version] of committed) {
      // A table no longer published (a schema apply dropped it meanwhile) has nothing to compare.
      const pin = current?.pins.find((p) => p.path === path);
      if (!pin || pin.version >= version) continue;
      out.push({
        kind: "maintenance-unpublished",
        message: `${op.label} returned ok, but its commit v${version} of ${pin.tableKey} was not published (the pin was v${pin.version})`,
        op: violationOp(op),
        table: pin.tableKey,
        details: { committed: version, pinned: pin.version },
      });
    }
  }
  return out;
}
