// The oracles on graph branches: every live branch's published snapshots keep `@card` and
// referential integrity, show the writes acknowledged on that branch, and stay readable; and a
// merge shows, on its target, all of the rows it brings or none of them.
import { resultAt } from "./took-effect.ts";
import type { Violation } from "../violations.ts";
import type { BranchHistory } from "./branch-snapshots.ts";
import { cardinalityAndIntegrityOn } from "./card-ri.ts";
import { branchOf, describeRef, findRow, type JudgeContext, mayOverwriteOnItsBranch, sameRef } from "./context.ts";
import { ackedWritesVisibleOn } from "./durability.ts";
import { type OpRecord, type RowRef, violationOp } from "./history.ts";
import type { PublishedSnapshot } from "./published.ts";

export function cardAndIntegrityOnBranches(ctx: JudgeContext): Violation[] {
  return ctx.branches.flatMap((b) => cardinalityAndIntegrityOn({ ...ctx, snapshots: b.snapshots }, b.branch));
}

/** Writes acknowledged on a branch's current incarnation show in its later snapshots. */
export function ackedWritesVisibleOnBranches(ctx: JudgeContext): Violation[] {
  return ctx.branches.flatMap((b) =>
    ackedWritesVisibleOn({ ...ctx, snapshots: b.snapshots }, b.branch, b.createdAt).map((v) => ({ ...v, details: { ...(v.details as object), branch: b.branch } })),
  );
}

/**
 * A branch keeps what it was created with: a write acknowledged on its parent before its create
 * began shows in the branch's newest manifest, unless an operation ordered after it may have
 * deleted or re-inserted the row (`changedAfter`). (A fork the parent gave up and another write
 * reclaimed, while the child still pins it, breaks this: #683.)
 */
export function parentWritesVisibleOnBranches(ctx: JudgeContext): Violation[] {
  const out: Violation[] = [];
  for (const b of ctx.branches) {
    if (b.createdAt < 0) continue;
    const parentBorn = b.parent === "main" ? -1 : lastCreation(ctx.events, b.parent, b.createdAt);
    const began = creationBegan(ctx, b);
    for (const op of ctx.history.ops) {
      if (branchOf(op) !== b.parent || op.status !== "ok" || op.end === null || op.end >= began || op.start <= parentBorn) continue;
      const lost = op.effect.inserts.find((ref) => !changedAfter(ctx, op, ref, Number.MAX_SAFE_INTEGER) && b.newest.tables.has(ref.table) && !findRow(b.newest, ref));
      if (!lost) continue;
      out.push({
        kind: "inherited-write-lost",
        message: `${op.label} was acknowledged on ${b.parent} before ${b.branch} was created from it, but ${b.branch}'s newest manifest (v${b.newest.version}) does not show ${describeRef(lost)}`,
        op: violationOp(op),
        table: lost.table,
        details: { branch: b.branch, parent: b.parent, version: b.newest.version },
      });
    }
  }
  return out;
}

/**
 * Where the operation that made `b`'s incarnation began (the creation itself when no operation
 * of its actor spans it). A create reads its parent's head somewhere in its span, so only a write
 * acknowledged before the create began is sure to be in the branch; one acknowledged while the
 * create ran is concurrent with it (random-workload-branches on fixed, random seed 66: a load on
 * main acknowledged after the create read main's head, before its manifest branch was made).
 */
function creationBegan(ctx: JudgeContext, b: BranchHistory): number {
  const ev = ctx.events[b.createdAt];
  const actor = ev?.e === "io" ? ev.actor : null;
  const create = ctx.history.ops.find((o) => o.kind === "branchCreate" && o.actor.name === actor && o.start < b.createdAt && (o.end === null || o.end > b.createdAt));
  return create?.start ?? b.createdAt;
}

/** Trace index of the last `manifest.createBranch` of `branch` before `before` (-1 if none). */
function lastCreation(events: JudgeContext["events"], branch: string, before: number): number {
  let at = -1;
  for (let i = 0; i < before && i < events.length; i++) {
    const ev = events[i]!;
    if (ev.e === "io" && ev.op === "manifest.createBranch" && resultAt(events, i) && (ev.args as Record<string, unknown>).name === branch) at = i;
  }
  return at;
}

/** Every table a live branch's newest manifest pins can be read there. */
export function branchesReadable(ctx: JudgeContext): Violation[] {
  return ctx.branches.flatMap((b) =>
    b.unreadable.map((u) => ({
      kind: "branch-unreadable" as const,
      message: `branch ${b.branch}'s manifest pins ${u.tableKey} at version ${u.version} on ${u.ref ?? "main"}, which cannot be read`,
      table: u.tableKey,
      details: { branch: b.branch, ref: u.ref, version: u.version },
    })),
  );
}

/**
 * A merge (ended or not) shows on its target all of the rows it brings, or none: the rows
 * acknowledged as inserted on its source before it began, absent from the target then, and
 * changed by no operation ordered after their insert within the judged window. Judged in the target's snapshots from the merge's start to the
 * next merge into that target (which may bring some of the same rows), and only for a merge no
 * other merge into the target overlaps. A snapshot showing exactly the rows an earlier failed
 * attempt from the same source brought is that attempt rolled forward, not part of this merge.
 */
export function mergeAllOrNothing(ctx: JudgeContext): Violation[] {
  const out: Violation[] = [];
  const merges = ctx.history.ops.filter((op) => op.kind === "branchMerge" && op.effect.mergedFrom !== undefined);
  for (const m of merges) {
    const target = branchOf(m);
    const source = m.effect.mergedFrom!;
    const snaps = snapshotsOf(ctx, target);
    // A target gone, or made again since the merge began, is not the target the merge wrote.
    if (!snaps || (target !== "main" && ctx.branches.find((b) => b.branch === target)!.createdAt > m.start)) continue;
    const into = merges.filter((o) => o !== m && branchOf(o) === target);
    const ends = (o: OpRecord) => o.end ?? Number.MAX_SAFE_INTEGER;
    if (into.some((o) => o.start < ends(m) && m.start < ends(o))) continue;
    const until = Math.min(...into.filter((o) => o.start > m.start).map((o) => o.start), Number.MAX_SAFE_INTEGER);
    // The target as the merge found it: a branch that published nothing of its own yet shows its
    // parent's state, which its snapshots do not hold, so the merge is not judged there.
    const before = snaps.findLast((s) => s.at < m.start);
    if (!before) continue;
    const incoming: RowRef[] = [];
    for (const [op, ref] of insertsOnSourceBefore(ctx, source, m.start)) {
      if (changedAfter(ctx, op, ref, until)) continue;
      if (!before.tables.has(ref.table) || findRow(before, ref)) continue;
      incoming.push(ref);
    }
    if (incoming.length < 2) continue;
    const earlier = earlierAttempts(ctx, merges, m, source, incoming);
    for (const s of snaps) {
      if (s.at <= m.start || s.at >= until || incoming.some((r) => !s.tables.has(r.table))) continue;
      const shown = incoming.filter((r) => findRow(s, r));
      // Exactly what an earlier failed attempt brought: that attempt's sidecar, rolled forward by
      // the recovery this merge (or any write) runs first, not part of this merge.
      if (earlier.some((rows) => rows.length === shown.length && shown.every((r) => rows.some((x) => sameRef(x, r))))) continue;
      if (shown.length > 0 && shown.length < incoming.length) {
        const missing = incoming.filter((r) => !findRow(s, r));
        out.push({
          kind: "merge-partial",
          message: `${m.label} ${m.status === "ok" ? "succeeded" : m.status === "err" ? `failed (${m.errorKind})` : "never finished"}, yet ${target === "main" ? "manifest" : `${target}'s manifest`} v${s.version} shows ${shown.map(describeRef).join(", ")} but not ${missing.map(describeRef).join(", ")}`,
          op: violationOp(m),
          details: { version: s.version, target, source },
        });
        break;
      }
    }
  }
  return out;
}

/**
 * The rows inserted on `source` by operations acknowledged before trace index `at`, from the
 * source's incarnation then: the last creation of that name before `at` (a source deleted since
 * is no live branch, so its history cannot say).
 */
function insertsOnSourceBefore(ctx: JudgeContext, source: string, at: number): [OpRecord, RowRef][] {
  const sourceBorn = source === "main" ? -1 : lastCreation(ctx.events, source, at);
  return ctx.history.ops
    .filter((op) => branchOf(op) === source && op.status === "ok" && op.end !== null && op.end < at && op.start >= sourceBorn)
    .flatMap((op) => op.effect.inserts.map((ref): [OpRecord, RowRef] => [op, ref]));
}

/**
 * For each earlier merge from the same source into the same target that failed or never
 * finished, the part of `incoming` it would have brought: the rows acknowledged on the source
 * before it began. Its Phase B may have landed and its recovery sidecar survived, so a later
 * recovery rolls it forward (publishing exactly those rows) after `m` began; on `fixed` the retry
 * itself does that first (net-zero-merge seed 626, child-branch-unreadable seed 753, faults on).
 */
function earlierAttempts(ctx: JudgeContext, merges: readonly OpRecord[], m: OpRecord, source: string, incoming: readonly RowRef[]): RowRef[][] {
  return merges
    .filter((o) => o !== m && o.status !== "ok" && branchOf(o) === branchOf(m) && o.effect.mergedFrom === source && o.start < m.start)
    .map((o) => {
      const brought = insertsOnSourceBefore(ctx, source, o.start).map(([, ref]) => ref);
      return incoming.filter((r) => brought.some((x) => sameRef(x, r)));
    })
    .filter((rows) => rows.length > 0);
}

/**
 * Whether an operation ordered after `op` (as `mayOverwrite` orders them: it may have taken
 * effect, had not ended when `op` began, and began before trace index `at`) deletes `ref`, or a
 * row its deletion cascades from, or inserts it again. Whether a failed operation took effect is
 * read from its own branch's manifests (`effectContextOf`).
 */
function changedAfter(ctx: JudgeContext, op: OpRecord, ref: RowRef, at: number): boolean {
  const deps = ref.dependsOn ?? [];
  return ctx.history.ops.some(
    (o) =>
      (o.effect.deletes.some((d) => sameRef(d, ref) || deps.some((x) => sameRef(d, x))) || o.effect.inserts.some((i) => sameRef(i, ref))) &&
      mayOverwriteOnItsBranch(ctx, op, o, at),
  );
}

function snapshotsOf(ctx: JudgeContext, branch: string): readonly PublishedSnapshot[] | undefined {
  return branch === "main" ? ctx.snapshots : ctx.branches.find((b: BranchHistory) => b.branch === branch)?.snapshots;
}
