// Every publish of an acknowledged operation is in the graph's history: each main-branch
// manifest version that an operation which returned ok committed (its actor, or a worker it
// spawned, inside its window) and that moved a pin has a `_graph_commits` row naming it.
// The engine's publish appends the graph commit right after the manifest commit, as upstream's
// does (a merge records its merge commit); an operation that returns ok with a publish the
// commit graph never recorded has lost a step of the graph's history (`list_commits`, merge
// bases). A failed or crashed operation may leave the gap: recovery records its own commit.
// The commit graph is read from the raw store by the oracles' own code; lease, head-token and
// stamp merges move no pin and are not publishes.
import { GRAPH_COMMITS } from "../../engine/manifest/layout.ts";
import type { Violation } from "../violations.ts";
import type { JudgeContext } from "./context.ts";
import { violationOp } from "./history.ts";
import type { ManifestVersion } from "./published.ts";
import { UnreadableState } from "./reader.ts";
import { operationAt } from "./sidecars.ts";

const signature = (m: ManifestVersion) => m.pins.map((p) => `${p.tableKey}@${p.ref ?? ""}@${p.version}`).join(",");

/** The main-branch manifest versions `_graph_commits` names (empty when it does not exist). */
async function recordedVersions(ctx: Pick<JudgeContext, "raw">): Promise<Set<number>> {
  const raw = ctx.raw;
  if (!(await raw.datasets.exists(GRAPH_COMMITS))) return new Set();
  const head = await raw.datasets.latestVersion(GRAPH_COMMITS, null);
  const out = new Set<number>();
  for (const r of (await raw.datasets.checkout(GRAPH_COMMITS, null, head)).rows) {
    const v = Number(r.manifest_version);
    if (!Number.isSafeInteger(v) || v < 0) throw new UnreadableState(`graph commit ${String(r.id)} names no manifest version`);
    if ((r.manifest_branch ?? null) === null) out.add(v);
  }
  return out;
}

export async function publishesRecorded(ctx: Pick<JudgeContext, "raw" | "events" | "history" | "manifests">): Promise<Violation[]> {
  const published: ManifestVersion[] = [];
  for (let i = 1; i < ctx.manifests.length; i++) {
    const m = ctx.manifests[i]!;
    if (m.actor !== null && signature(m) !== signature(ctx.manifests[i - 1]!)) published.push(m);
  }
  if (published.length === 0) return [];
  const recorded = await recordedVersions(ctx);
  const out: Violation[] = [];
  for (const m of published) {
    if (recorded.has(m.version)) continue;
    const op = operationAt(ctx.history, ctx.events, m.actor!, m.at);
    if (!op || op.status !== "ok") continue;
    out.push({
      kind: "publish-unrecorded",
      message: `${op.label} returned ok, but its publish of manifest v${m.version} has no graph commit`,
      op: violationOp(op),
      details: { manifestVersion: m.version },
    });
  }
  return out;
}
