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
import { countBefore, prefixIndexed, type TraceScan } from "../trace-prefix.ts";

/** The dataset commits that are optimize's own work (a recovery inside it restores, it does not commit these). */
const MAINTENANCE_DELTAS = new Set(["Rewrite", "CreateIndex"]);

/** Every main-branch compaction or index build the trace records as committed, in trace order. */
const maintenanceCommits: TraceScan<{ at: number; actor: string; path: string; version: Version }> = (events, from, to) => {
  const out: { at: number; actor: string; path: string; version: Version }[] = [];
  for (let i = from; i < to; i++) {
    const ev = events[i]!;
    if (ev.e !== "io" || ev.op !== "datasets.commit" || !("ok" in ev) || ev.ok === null) continue;
    const args = ev.args as { path?: unknown; branch?: unknown; delta?: { op?: unknown } };
    const version = (ev.ok as { version?: unknown }).version;
    if (args.branch !== null || typeof version !== "number" || !MAINTENANCE_DELTAS.has(String(args.delta?.op))) continue;
    out.push({ at: i, actor: ev.actor, path: String(args.path), version: version as Version });
  }
  return out;
};

export function maintenancePublished(ctx: Pick<JudgeContext, "events" | "history" | "manifests">): Violation[] {
  const out: Violation[] = [];
  const commits = prefixIndexed(ctx.events, maintenanceCommits);
  for (const op of ctx.history.ops) {
    if (op.kind !== "optimize" || op.status !== "ok" || op.end === null) continue;
    const committed = new Map<string, Version>();
    for (let k = countBefore(commits, op.start); k < commits.length && commits[k]!.at < op.end; k++) {
      const c = commits[k]!;
      if (operationAt(ctx.history, ctx.events, c.actor, c.at) !== op) continue;
      committed.set(c.path, Math.max(committed.get(c.path) ?? 0, c.version) as Version);
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
