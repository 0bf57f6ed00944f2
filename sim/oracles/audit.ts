// Recovery audits each recovered operation exactly once, with the kind that matches what it did,
// and decides as the writer's evidence says. A sidecar recovery took (deleted by anyone but the
// operation that wrote it) must have exactly one audit row for its operation id. The decision is
// judged against the harness's record of the writer (its sidecar's body and its own dataset
// commits before the sidecar was taken):
// - a `RolledForward` audit needs a commit by the writer on every table the sidecar pins (a
//   writer that never committed was not rolled forward, whoever moved the pin since), each of
//   those tables published at or past the writer's last commit when the sidecar went, and the
//   row's per-table outcomes saying so (each table moved to at least that commit);
// - a roll-back is wrong when the writer committed every table cleanly (strict writers at their
//   post-commit pin), nobody else published those tables in between, and (a schema apply) the
//   writer had put its staging files, durable as written: then every table committed and recovery
//   must roll forward (another actor's dataset commit or publish on one of those tables makes a
//   roll-back right, and so does a staging file a storage fault tore, lost or misdirected: with
//   no valid schema to promote, nothing can roll forward); a branch merge's roll-back is wrong
//   only once its Phase-B confirmation (the writer's rewrite of its sidecar) landed.
import { resultAt } from "./took-effect.ts";
import type { Violation } from "../violations.ts";
import type { JudgeContext } from "./context.ts";
import { violationOp } from "./history.ts";
import type { ManifestVersion } from "./published.ts";
import { pathOfUri, recoveredByOthers, type SidecarLife } from "./sidecars.ts";

/** The writer kinds whose tables each take exactly one commit, at the post-commit pin. */
const STRICT = new Set(["Mutation", "Load"]);

/** The staging copies of the three schema-contract files. */
const STAGING_FILES = 3;

export function auditedOnce(ctx: Pick<JudgeContext, "audits">): Violation[] {
  const counts = new Map<string, string[]>();
  for (const r of ctx.audits) counts.set(r.operationId, [...(counts.get(r.operationId) ?? []), r.kind]);
  return [...counts]
    .filter(([, kinds]) => kinds.length > 1)
    .map(([id, kinds]) => ({
      kind: "audit-duplicated",
      message: `operation ${id} was audited ${kinds.length} times (${kinds.join(", ")})`,
      details: { operationId: id, kinds },
    }));
}

/** Whether the writer committed every pinned table (cleanly: strict writers exactly at the post-commit pin). */
function committedEveryTable(life: SidecarLife, cleanly: boolean): boolean {
  const rec = life.record!;
  return rec.tables.every((t) => {
    const versions = life.commits.get(pathOfUri(t.uri)) ?? [];
    if (versions.length === 0) return false;
    return !cleanly || !STRICT.has(rec.writerKind) || (versions.length === 1 && versions[0] === t.postCommit);
  });
}

/**
 * Whether anyone but the writer moved one of the sidecar's tables while it was pending: a
 * dataset commit, or a publish of a new pin (before recovery took the sidecar).
 */
function othersMovedTables(ctx: Pick<JudgeContext, "manifests" | "events">, life: SidecarLife): boolean {
  const tables = new Set(life.record!.tables.map((t) => t.tableKey));
  const paths = new Set(life.record!.tables.map((t) => pathOfUri(t.uri)));
  const until = life.deletedAt ?? Number.MAX_SAFE_INTEGER;
  for (let i = life.putAt + 1; i < until && i < ctx.events.length; i++) {
    const ev = ctx.events[i]!;
    if (ev.e === "io" && ev.op === "datasets.commit" && resultAt(ctx.events, i) && ev.actor !== life.writer && paths.has(String((ev.args as { path?: unknown }).path))) return true;
  }
  let previous: ManifestVersion | undefined;
  for (const m of ctx.manifests) {
    if (previous && m.at > life.putAt && m.at < until && m.actor !== life.writer) {
      const before = new Map(previous.pins.map((p) => [p.tableKey, p.version]));
      if (m.pins.some((p) => tables.has(p.tableKey) && before.get(p.tableKey) !== p.version)) return true;
    }
    previous = m;
  }
  return false;
}

/** The published pin of each of the sidecar's tables once recovery took it (the version current at the delete). */
function pinsAfter(ctx: Pick<JudgeContext, "manifests">, at: number): Map<string, number> {
  let current: ManifestVersion | undefined;
  for (const m of ctx.manifests) if (m.at < at) current = m;
  return new Map((current?.pins ?? []).map((p) => [p.tableKey, p.version]));
}

export function recoveryAudited(ctx: Pick<JudgeContext, "sidecars" | "audits" | "manifests" | "events">): Violation[] {
  const out: Violation[] = [];
  for (const life of ctx.sidecars) {
    if (!recoveredByOthers(life)) continue;
    const about = {
      ...(life.op ? { op: violationOp(life.op) } : {}),
      ...(life.record?.tables[0] ? { table: life.record.tables[0].tableKey } : {}),
    };
    const rows = ctx.audits.filter((a) => a.operationId === life.operationId);
    if (rows.length === 0) {
      out.push({
        kind: "audit-missing",
        message: `${life.deletedBy} recovered ${life.key} (${life.op?.label ?? life.writer}) and deleted it without an audit row`,
        ...about,
        details: { key: life.key, deletedBy: life.deletedBy },
      });
      continue;
    }
    if (rows.length > 1 || life.record === null) continue; // duplicates: audited-once; no body: nothing to judge by
    // A writer on another graph branch published (or not) on that branch's manifest, which this
    // oracle does not read: its audit is counted (above), its decision not judged.
    if (life.record.branch !== null) continue;
    const kind = rows[0]!.kind;
    const rec = life.record;
    if (kind === "RolledForward") {
      if (!committedEveryTable(life, false)) {
        out.push({
          kind: "audit-mismatch",
          message: `${life.deletedBy} audited ${life.key} (${life.op?.label ?? life.writer}) RolledForward, but its writer never committed ${rec.tables.filter((t) => !(life.commits.get(pathOfUri(t.uri)) ?? []).length).map((t) => t.tableKey).join(", ")}`,
          ...about,
          details: { key: life.key, audit: kind },
        });
        continue;
      }
      const pins = pinsAfter(ctx, life.deletedAt!);
      const lastCommit = (t: (typeof rec.tables)[number]) => Math.max(...(life.commits.get(pathOfUri(t.uri)) ?? [0]));
      const unpublished = rec.tables.filter((t) => (pins.get(t.tableKey) ?? 0) < lastCommit(t));
      if (unpublished.length > 0) {
        out.push({
          kind: "audit-mismatch",
          message: `${life.key} (${life.op?.label ?? life.writer}) is audited RolledForward, but when its sidecar went ${unpublished.map((t) => t.tableKey).join(", ")} did not publish the writer's commits`,
          ...about,
          details: { key: life.key, audit: kind },
        });
        continue;
      }
      // The row's outcomes must say what recovery did: each table moved to (at least) the
      // writer's last commit, which is what it published.
      const outcomes = rows[0]!.outcomes;
      const misstated = rec.tables.filter((t) => (outcomes.find((o) => o.tableKey === t.tableKey)?.to ?? -1) < lastCommit(t));
      if (misstated.length > 0) {
        out.push({
          kind: "audit-mismatch",
          message: `${life.key} (${life.op?.label ?? life.writer}) is audited RolledForward, but its outcomes do not move ${misstated.map((t) => `${t.tableKey} to the writer's commit v${lastCommit(t)} (says ${outcomes.find((o) => o.tableKey === t.tableKey)?.to ?? "nothing"})`).join(", ")}`,
          ...about,
          details: { key: life.key, audit: kind, outcomes },
        });
      }
    } else if (kind === "RolledBack") {
      // A schema apply rolls forward only to staging files it put; a branch merge only once its
      // Phase-B confirmation landed (an unconfirmed one is a partial Phase B by design:
      // `confirm_sidecar_phase_b`).
      const promotable = rec.writerKind === "SchemaApply" ? life.staging.length >= STAGING_FILES : rec.writerKind !== "BranchMerge" || life.rewritten;
      if (committedEveryTable(life, true) && promotable && !othersMovedTables(ctx, life)) {
        out.push({
          kind: "recovery-wrong-decision",
          message: `${life.deletedBy} rolled ${life.key} (${life.op?.label ?? life.writer}) back, although its writer committed every table cleanly and nobody else published them`,
          ...about,
          details: { key: life.key, audit: kind },
        });
      }
    }
  }
  return out;
}
