// `branch_merge_on_current_target`'s plan: each table's candidate state. A table already the
// same on source and target, or unchanged on the source since the base, is left alone; one
// unchanged on the target since the base adopts the source's state (a pointer switch or fork,
// or a row delta applied onto the target's own lineage); anything else is merged three ways,
// row by row, and a row both sides changed differently is a conflict.
import type { Env } from "../env.ts";
import type { MergeConflict, MergeConflictKind } from "../errors.ts";
import type { Snapshot, TableEntry } from "../manifest/snapshot.ts";
import { ownedBy } from "../branch/fork-names.ts";
import type { Branch, Row, TableKey } from "../storage/types.ts";
import { adoptsOnTargetLineage } from "./adopt-above-target.ts";
import { dropsNetZeroAdoption } from "./fix517.ts";
import { idsOf, rowsById, signature } from "./rows.ts";

/** A fast-forward's row delta, applied onto the target's lineage (`AdoptDelta`). */
export interface AdoptDelta {
  /** New on the source: appended (a streaming `Append`). */
  readonly appends: readonly Row[];
  /** Changed on the source: upserted (a staged merge-insert). */
  readonly upserts: readonly Row[];
  /** Deleted on the source. */
  readonly deletedIds: readonly string[];
}

/** A three-way merge's result (`StagedMergeResult`). */
export interface StagedMerge {
  /** The merged table, for validation. */
  readonly full: readonly Row[];
  /** Rows that differ from the target's: what the publish writes. */
  readonly delta: readonly Row[];
  readonly deletedIds: readonly string[];
}

export type Candidate =
  /** A pointer switch or a fork: no data commit, nothing to pin. */
  | { readonly kind: "AdoptSourceState" }
  | { readonly kind: "AdoptWithDelta"; readonly delta: AdoptDelta }
  | { readonly kind: "RewriteMerged"; readonly staged: StagedMerge };

export interface MergePlan {
  readonly tableKeys: readonly TableKey[];
  readonly candidates: ReadonlyMap<TableKey, Candidate>;
  readonly conflicts: readonly MergeConflict[];
}

/** `same_manifest_state`: both absent, or the same version on the same ref. */
function sameState(a: TableEntry | undefined, b: TableEntry | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.version === b.version && a.branch === b.branch;
}

export async function planMerge(env: Env, base: Snapshot, source: Snapshot, target: Snapshot, active: Branch): Promise<MergePlan> {
  const tableKeys = [...new Set([...base.tables(), ...source.tables(), ...target.tables()].map((e) => e.tableKey))].sort();
  const candidates = new Map<TableKey, Candidate>();
  const conflicts: MergeConflict[] = [];
  for (const tableKey of tableKeys) {
    const b = base.entry(tableKey);
    const s = source.entry(tableKey);
    const t = target.entry(tableKey);
    if (sameState(s, t) || sameState(b, s)) continue;
    if (sameState(b, t)) {
      const candidate = await classifyAdopt(env, base, source, tableKey, s, t, active);
      if (candidate !== null) candidates.set(tableKey, candidate);
      continue;
    }
    const staged = await stageThreeWay(env, tableKey, base, source, target, conflicts);
    if (staged !== null) candidates.set(tableKey, { kind: "RewriteMerged", staged });
  }
  return { tableKeys, candidates, conflicts };
}

/**
 * `classify_adopt`: a source table on a branch adopted onto a target on main, or onto a target
 * branch that owns the table, applies its row delta there (HEAD moves: recovery-pinned); any
 * other adoption is a pointer switch or a fork, unless it would register at or below the
 * target's own version (`adoptAboveTarget`: a delta then too). An empty delta is a pointer
 * switch onto the target's own row at the seed (#473); `fix517` drops the table instead. Null:
 * nothing to do.
 */
async function classifyAdopt(
  env: Env,
  base: Snapshot,
  source: Snapshot,
  tableKey: TableKey,
  s: TableEntry | undefined,
  t: TableEntry | undefined,
  active: Branch,
): Promise<Candidate | null> {
  if (!s) return { kind: "AdoptSourceState" };
  const advancesHead = s.branch !== null && (active === null || (t !== undefined && t.branch !== null && ownedBy(t.branch, active)));
  if (!advancesHead && !adoptsOnTargetLineage(env, s, t, active)) return { kind: "AdoptSourceState" };
  const delta = await computeAdoptDelta(env, base, source, tableKey);
  if (delta !== null) return { kind: "AdoptWithDelta", delta };
  return dropsNetZeroAdoption(env) ? null : { kind: "AdoptSourceState" };
}

/** `compute_adopt_delta`: new, changed and deleted rows of the source since the base; null if none. */
async function computeAdoptDelta(env: Env, base: Snapshot, source: Snapshot, tableKey: TableKey): Promise<AdoptDelta | null> {
  const b = await rowsById(env, base, tableKey);
  const s = await rowsById(env, source, tableKey);
  const appends: Row[] = [];
  const upserts: Row[] = [];
  const deletedIds: string[] = [];
  for (const id of idsOf(b, s)) {
    const br = b.get(id);
    const sr = s.get(id);
    if (sr === undefined) deletedIds.push(id);
    else if (br === undefined) appends.push(sr);
    else if (signature(sr) !== signature(br)) upserts.push(sr);
  }
  if (appends.length + upserts.length + deletedIds.length === 0) return null;
  return { appends, upserts, deletedIds };
}

/** `stage_streaming_table_merge`: the three-way merge of one table; null when it changes nothing or conflicts. */
async function stageThreeWay(env: Env, tableKey: TableKey, base: Snapshot, source: Snapshot, target: Snapshot, conflicts: MergeConflict[]): Promise<StagedMerge | null> {
  const b = await rowsById(env, base, tableKey);
  const s = await rowsById(env, source, tableKey);
  const t = await rowsById(env, target, tableKey);
  const prior = conflicts.length;
  const full: Row[] = [];
  const delta: Row[] = [];
  const deletedIds: string[] = [];
  for (const id of idsOf(b, s, t)) {
    const bs = signature(b.get(id));
    const ss = signature(s.get(id));
    const ts = signature(t.get(id));
    const sourceChanged = ss !== bs;
    const targetChanged = ts !== bs;
    let selection: Row | undefined;
    if (!sourceChanged) selection = t.get(id);
    else if (!targetChanged) selection = s.get(id);
    else if (ss === ts) selection = t.get(id);
    else {
      conflicts.push(conflictOf(tableKey, id, bs, ss, ts));
      continue;
    }
    if (conflicts.length > prior) continue;
    if (selection === undefined) {
      if (t.has(id)) deletedIds.push(id);
      continue;
    }
    full.push(selection);
    if (signature(selection) !== ts) delta.push(selection);
  }
  if (conflicts.length > prior || (delta.length === 0 && deletedIds.length === 0)) return null;
  return { full, delta, deletedIds };
}

/** `classify_merge_conflict`. */
function conflictOf(tableKey: TableKey, id: string, base: string | null, source: string | null, target: string | null): MergeConflict {
  const [kind, message]: [MergeConflictKind, string] =
    base === null && source !== null && target !== null
      ? ["DivergentInsert", `divergent insert for id '${id}'`]
      : base !== null && (source === null) !== (target === null)
        ? ["DeleteVsUpdate", `delete/update conflict for id '${id}'`]
        : ["DivergentUpdate", `divergent update for id '${id}'`];
  return { tableKey, rowId: id, kind, message };
}
