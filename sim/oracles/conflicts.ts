// A write may fail with a conflict only when something conflicted: the op-policy allows
// `ExpectedVersionMismatch`, `ReadSetChanged` and `LanceCommitConflict` on a write, and this
// oracle holds each such failure to a cause in the harness's record. The cause must be another
// operation's logical effect (a dataset commit that changes rows, a restore, or a publish that moved
// the head token or a pin over such a commit): another actor's, or one its own actor made inside an
// operation of its that failed. It must lie inside the operation's window: from the start of the
// last operation that succeeded on the same handle before it began (its view was taken inside that
// operation) to its own end. Maintenance (a compaction, an index build) changes no logical content, so
// a write it fails is a spurious conflict (the B4 class), and so is a write that fails with no
// concurrent effect at all (a retry budget that gives up early, a check that misfires). Drift
// (a logical commit left unpublished before the operation began) counts as a cause: the
// conflict is then its consequence, and the drift is reported by the oracles that judge it.
import { resultAt } from "./took-effect.ts";
import { prefixIndexed, type TraceScan } from "../trace-prefix.ts";
import type { OmniErrorKind } from "../../engine/errors.ts";
import type { Violation } from "../violations.ts";
import type { JudgeContext } from "./context.ts";
import { type OpRecord, violationOp } from "./history.ts";
import { versionAt } from "./published.ts";
import type { PublishedPin } from "./reader.ts";

const CONFLICTS: ReadonlySet<string> = new Set<OmniErrorKind>(["ExpectedVersionMismatch", "ReadSetChanged", "LanceCommitConflict"]);
const WRITES: ReadonlySet<OpRecord["kind"]> = new Set(["mutate", "load", "schemaApply"]);
/** Dataset transactions that leave the rows as they were. */
const MAINTENANCE_TXNS: ReadonlySet<string> = new Set(["Rewrite", "ReserveFragments", "CreateIndex", "UpdateConfig"]);

interface Effect {
  readonly at: number;
  readonly actor: string;
}

interface Commit extends Effect {
  readonly path: string;
  readonly version: number;
}

// Module-level: a regular expression literal is a new object each time it is evaluated.
const DATA_TABLE = /^(nodes|edges)\//;
const isDataTable = (path: unknown): path is string => typeof path === "string" && DATA_TABLE.test(path);

/** Logical dataset effects in the trace (commits that change rows, restores, creates), in trace order. */
const logicalCommitEvents: TraceScan<Commit> = (events, from, to) => {
  const out: Commit[] = [];
  for (let i = from; i < to; i++) {
    const ev = events[i]!;
    const result = resultAt(events, i);
    if (ev.e !== "io" || !result || result.value === undefined) continue;
    const args = ev.args as { path?: unknown; delta?: { op?: string } };
    if (!isDataTable(args.path)) continue;
    const logical =
      ev.op === "datasets.restore" || ev.op === "datasets.create" || (ev.op === "datasets.commit" && !MAINTENANCE_TXNS.has(String(args.delta?.op)));
    if (!logical) continue;
    const v = (result.value as { version?: number } | null)?.version;
    if (typeof v !== "number") continue;
    out.push({ at: i, actor: ev.actor, path: args.path, version: v });
  }
  return out;
};

/** Logical dataset effects in the trace, and the table versions they produced. */
function logicalCommits(ctx: Pick<JudgeContext, "events">): { effects: readonly Commit[]; versions: Set<string> } {
  const effects = prefixIndexed(ctx.events, logicalCommitEvents);
  return { effects, versions: new Set(effects.map((c) => `${c.path}@${c.version}`)) };
}

function logicalPublishes(ctx: Pick<JudgeContext, "manifests">, versions: ReadonlySet<string>): Effect[] {
  const out: Effect[] = [];
  for (let i = 1; i < ctx.manifests.length; i++) {
    const m = ctx.manifests[i]!;
    const prev = ctx.manifests[i - 1]!;
    if (m.actor === null) continue;
    const moved = pinMoves(prev.pins, m.pins);
    const movedOverLogical = moved.registered || moved.passed.some((v) => versions.has(v));
    if (m.headToken !== prev.headToken || movedOverLogical || moved.tableSetChanged) out.push({ at: m.at, actor: m.actor });
  }
  return out;
}

interface PinMoves {
  /** A table registered (a logical change whatever the commits). */
  readonly registered: boolean;
  /** A table dropped. */
  readonly tableSetChanged: boolean;
  /** Every table version a pin moved over, `path@version`: logical if a logical commit made it. */
  readonly passed: readonly string[];
}

const pinMovesMemo = new WeakMap<readonly PublishedPin[], WeakMap<readonly PublishedPin[], PinMoves>>();

/** How the pins moved from `prev` to `pins`, remembered per pair of pins arrays (every crash-state future re-reads its past's). */
function pinMoves(prev: readonly PublishedPin[], pins: readonly PublishedPin[]): PinMoves {
  let byPins = pinMovesMemo.get(prev);
  if (!byPins) pinMovesMemo.set(prev, (byPins = new WeakMap()));
  let moves = byPins.get(pins);
  if (moves) return moves;
  const before = new Map(prev.map((p) => [p.tableKey, p.version]));
  const passed: string[] = [];
  let registered = false;
  for (const p of pins) {
    if (!before.has(p.tableKey)) {
      if (p.version > 0) registered = true;
      continue;
    }
    for (let v = before.get(p.tableKey)! + 1; v <= p.version; v++) passed.push(`${p.path}@${v}`);
  }
  const tableSetChanged = prev.some((p) => !pins.some((q) => q.tableKey === p.tableKey));
  byPins.set(pins, (moves = { registered, tableSetChanged, passed }));
  return moves;
}

/**
 * Where the operation's view began: the start of the last success on its handle that ended before
 * it started. That operation took its view somewhere inside its own span (a probe, a refresh, its
 * own publish), not necessarily at its end: a write that staged nothing probes the manifest and
 * then reads tables, and another actor's publish between its probe and its end is one its handle
 * never saw (random-workload seed 107 on fixed: a strict update after a no-op delete fails,
 * rightly, on an insert published during that delete).
 */
export function viewStart(ctx: Pick<JudgeContext, "history">, op: OpRecord): number {
  if (op.handle === undefined) return 0;
  let from = 0;
  for (const o of ctx.history.ops) {
    if (o !== op && o.handle === op.handle && o.status === "ok" && o.end !== null && o.end <= op.start) from = Math.max(from, o.start);
  }
  return from;
}

/**
 * Whether an effect of the suspect's own actor was made inside another of that actor's operations
 * that did not succeed: then it is that operation's, not the suspect's, and the handle never
 * adopted the view that operation left. A write that finalized in Lance but failed before the
 * publisher, rolled forward by a later heal that itself failed after publishing (the heal's last
 * coordinator re-read is skipped, as upstream's `heal_pending_sidecars_roll_forward` returns
 * early on the error), moves the table under the handle's view: random-workload seed 187 on fixed,
 * a strict delete of the row that load inserted fails, rightly, against the view it observed.
 * Effects inside the actor's successful operations (the one that took the view) stay no cause.
 */
function insideFailedOp(ctx: Pick<JudgeContext, "history">, suspect: OpRecord, e: Effect): boolean {
  return ctx.history.ops.some(
    (o) => o !== suspect && o.actor.name === e.actor && o.status !== "ok" && o.start <= e.at && e.at < (o.end ?? Number.MAX_SAFE_INTEGER),
  );
}

export function conflictsHaveCause(ctx: Pick<JudgeContext, "events" | "history" | "manifests">): Violation[] {
  const suspects = ctx.history.ops.filter(
    (o) => WRITES.has(o.kind) && o.status === "err" && CONFLICTS.has(o.errorKind ?? "") && !o.expect.mustFail && !o.expect.mustSucceed,
  );
  if (suspects.length === 0) return [];
  const { effects, versions } = logicalCommits(ctx);
  const all = [...effects, ...logicalPublishes(ctx, versions)];
  const out: Violation[] = [];
  for (const op of suspects) {
    const from = viewStart(ctx, op);
    const end = op.end ?? Number.MAX_SAFE_INTEGER;
    if (all.some((e) => e.at >= from && e.at < end && (e.actor !== op.actor.name || insideFailedOp(ctx, op, e)))) continue;
    // Drift is a cause too: a logical commit made before the operation began (by anyone, its
    // own actor's failed operation included) and not published by then (Lance HEAD ahead of the
    // pin). Other oracles judge the drift itself.
    const pins = new Map((versionAt(ctx.manifests, op.start)?.pins ?? []).map((p) => [p.path as string, p.version as number]));
    if (effects.some((c) => c.at < op.start && c.version > (pins.get(c.path) ?? Number.MAX_SAFE_INTEGER))) continue;
    out.push({
      kind: "spurious-conflict",
      message: `${op.label} failed with ${op.errorKind} (${op.errorMessage}), but no other operation's logical effect was committed or published in its window`,
      op: violationOp(op),
      errorKind: op.errorKind!,
      ...(op.errorTable ? { table: op.errorTable } : {}),
      details: { windowFrom: from, windowTo: end },
    });
  }
  return out;
}
