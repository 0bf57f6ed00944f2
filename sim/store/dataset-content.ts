// The content of one dataset version: its rows grouped into fragments, its indices and its
// config, and how a transaction's delta turns one content into the next. A content is a value:
// never changed once built, so consecutive versions share every fragment a delta left alone.
// Fragments are modelled only as "which fragment each row lives in", which is all the conflict
// rules need.
import { compareStrings } from "../../engine/schema/canonical.ts";
import { StorageError } from "../../engine/storage/errors.ts";
import type { DatasetSnapshot, Row, RowPredicate, TxnDelta, Version } from "../../engine/storage/types.ts";
import { rowMatches } from "../../engine/storage/row-predicate.ts";

/** Unique within a dataset for its whole life: ids are never reused, even across Restore. */
export type FragmentId = number & { readonly __brand: "FragmentId" };

export interface Fragment {
  readonly id: FragmentId;
  /** Never empty: a fragment whose last row is deleted disappears. */
  readonly rows: readonly Row[];
}

export interface DatasetContent {
  /** Ascending by id, since a new fragment always takes the next id. */
  readonly fragments: readonly Fragment[];
  /** Sorted and unique. */
  readonly indices: readonly string[];
  readonly config: ReadonlyMap<string, string>;
  readonly nextFragmentId: FragmentId;
}

export interface DeltaOutcome {
  readonly content: DatasetContent;
  /** Rows the delta changed in the content it was applied to. */
  readonly rowsAffected: number;
  /**
   * Existing fragments the delta rewrote or removed. Fragments it created are left out: no
   * concurrent transaction can have touched them, and counting them would make a compaction
   * collide with every later writer of the compacted rows.
   */
  readonly touched: ReadonlySet<FragmentId>;
  /** A staged merge-insert's footprint: the read version's fragments it rewrote. */
  readonly touchedAtRead?: ReadonlySet<FragmentId>;
}

const NOTHING_TOUCHED: ReadonlySet<FragmentId> = new Set();

export const EMPTY_CONTENT: DatasetContent = Object.freeze({
  fragments: Object.freeze([]),
  indices: Object.freeze([]),
  config: new Map(),
  nextFragmentId: 0 as FragmentId,
});

/** `delta` applied to `content` (HEAD); a staged merge-insert was planned at `read`. */
export function applyDelta(content: DatasetContent, delta: TxnDelta, read: DatasetContent = content): DeltaOutcome {
  switch (delta.op) {
    case "Append":
      return append(content, storedRows(delta.rows));
    case "Merge":
      return mergeInsert(content, uniqueById(delta.rows, "Merge"));
    case "StagedMergeInsert":
      return stagedMergeInsert(content, read, uniqueById(delta.rows, "Merge"));
    case "Update":
      return update(content, uniqueById(delta.rows, "Update"));
    case "Delete":
      return deleteWhere(content, delta.where);
    case "Overwrite":
      return overwrite(content, storedRows(delta.rows));
    case "Rewrite":
      return compact(content);
    case "ReserveFragments":
      return { content, rowsAffected: 0, touched: NOTHING_TOUCHED };
    case "CreateIndex":
      return metadataOnly({ ...content, indices: sortedUnique([...content.indices, delta.index]) });
    case "UpdateConfig":
      return metadataOnly({ ...content, config: withConfig(content.config, delta.key, delta.value) });
  }
}

/** Version `target`'s content committed again on top of `head`: what Restore writes. */
export function restoredContent(target: DatasetContent, head: DatasetContent): DatasetContent {
  // Keep the id counter moving forward so a restored dataset never reuses an orphaned id.
  const nextFragmentId = Math.max(target.nextFragmentId, head.nextFragmentId) as FragmentId;
  return Object.freeze({ ...target, nextFragmentId });
}

export function fragmentIds(content: DatasetContent): ReadonlySet<FragmentId> {
  return new Set(content.fragments.map((f) => f.id));
}

/** Sorted rows per (immutable) content: checkouts of a version are frequent and its rows never change. */
const sortedRows = new WeakMap<DatasetContent, readonly Row[]>();

/** The content as `checkout` returns it: rows sorted by id (ties keep fragment order). */
export function snapshotOf(content: DatasetContent, at: Version): DatasetSnapshot {
  let rows = sortedRows.get(content);
  if (!rows) {
    const all = content.fragments.flatMap((f) => f.rows);
    all.sort((a, b) => compareStrings(a.id, b.id));
    rows = Object.freeze(all);
    sortedRows.set(content, rows);
  }
  return { version: at, rows, indices: content.indices, fragments: content.fragments.length };
}

function append(content: DatasetContent, rows: readonly Row[]): DeltaOutcome {
  return { content: withNewFragment(content, content.fragments, rows), rowsAffected: rows.length, touched: NOTHING_TOUCHED };
}

/** Merge-insert on id: matched rows are replaced where they live, the rest go into one new fragment. */
function mergeInsert(content: DatasetContent, incoming: ReadonlyMap<string, Row>): DeltaOutcome {
  const replaced = replaceById(content.fragments, incoming);
  const inserts = [...incoming.values()].filter((row) => !replaced.matchedIds.has(row.id));
  return {
    content: withNewFragment(content, replaced.fragments, inserts),
    rowsAffected: replaced.rowsReplaced + inserts.length,
    touched: replaced.touched,
  };
}

/**
 * Upstream's staged merge-insert (Lance's `Operation::Update`, rows rewritten by moving them):
 * the rows whose id is in the read version leave the fragments that held them there, and every
 * incoming row goes into one new fragment. The plan is the read version's, so a key absent
 * there is inserted even if HEAD has it now (the stale-commit rule has refused any overlap with
 * the fragments it rewrites, so those are at HEAD as they were at the read version).
 */
function stagedMergeInsert(head: DatasetContent, read: DatasetContent, incoming: ReadonlyMap<string, Row>): DeltaOutcome {
  const touchedAtRead = new Set<FragmentId>();
  /** Matched target rows per id: each is rewritten (a key held twice stays twice). */
  const matched = new Map<string, number>();
  for (const fragment of read.fragments) {
    for (const row of fragment.rows) {
      if (!incoming.has(row.id)) continue;
      touchedAtRead.add(fragment.id);
      matched.set(row.id, (matched.get(row.id) ?? 0) + 1);
    }
  }
  const touched = new Set<FragmentId>();
  const fragments: Fragment[] = [];
  for (const fragment of head.fragments) {
    if (!touchedAtRead.has(fragment.id)) {
      fragments.push(fragment);
      continue;
    }
    touched.add(fragment.id);
    const kept = fragment.rows.filter((row) => !matched.has(row.id));
    if (kept.length > 0) fragments.push(Object.freeze({ id: fragment.id, rows: Object.freeze(kept) }));
  }
  const written = [...incoming.values()].flatMap((row) => Array<Row>(matched.get(row.id) ?? 1).fill(row));
  return { content: withNewFragment(head, fragments, written), rowsAffected: written.length, touched, touchedAtRead };
}

/** Replaces rows that exist by id; ids no longer present are skipped. */
function update(content: DatasetContent, incoming: ReadonlyMap<string, Row>): DeltaOutcome {
  const replaced = replaceById(content.fragments, incoming);
  return {
    content: Object.freeze({ ...content, fragments: replaced.fragments }),
    rowsAffected: replaced.rowsReplaced,
    touched: replaced.touched,
  };
}

function deleteWhere(content: DatasetContent, where: RowPredicate): DeltaOutcome {
  const touched = new Set<FragmentId>();
  let removed = 0;
  const fragments: Fragment[] = [];
  for (const fragment of content.fragments) {
    const kept = fragment.rows.filter((row) => !rowMatches(row, where));
    if (kept.length === fragment.rows.length) {
      fragments.push(fragment);
      continue;
    }
    touched.add(fragment.id);
    removed += fragment.rows.length - kept.length;
    if (kept.length > 0) fragments.push(Object.freeze({ id: fragment.id, rows: Object.freeze(kept) }));
  }
  return { content: Object.freeze({ ...content, fragments: Object.freeze(fragments) }), rowsAffected: removed, touched };
}

/** Replaces everything with one fragment (or none) and drops every index. */
function overwrite(content: DatasetContent, rows: readonly Row[]): DeltaOutcome {
  const cleared = { ...content, indices: Object.freeze([]) };
  return { content: withNewFragment(cleared, [], rows), rowsAffected: rows.length, touched: fragmentIds(content) };
}

/** Compaction: every fragment merged into one new fragment, content unchanged. */
function compact(content: DatasetContent): DeltaOutcome {
  const rows = content.fragments.flatMap((f) => f.rows);
  return { content: withNewFragment(content, [], rows), rowsAffected: 0, touched: fragmentIds(content) };
}

function metadataOnly(content: DatasetContent): DeltaOutcome {
  return { content: Object.freeze(content), rowsAffected: 0, touched: NOTHING_TOUCHED };
}

/** `fragments` plus, when there are rows, one new fragment holding them. */
function withNewFragment(content: DatasetContent, fragments: readonly Fragment[], rows: readonly Row[]): DatasetContent {
  if (rows.length === 0) return Object.freeze({ ...content, fragments: Object.freeze([...fragments]) });
  const id = content.nextFragmentId;
  const added: Fragment = Object.freeze({ id, rows: Object.freeze([...rows]) });
  return Object.freeze({
    ...content,
    fragments: Object.freeze([...fragments, added]),
    nextFragmentId: (id + 1) as FragmentId,
  });
}

interface Replacement {
  readonly fragments: readonly Fragment[];
  readonly matchedIds: ReadonlySet<string>;
  readonly rowsReplaced: number;
  readonly touched: ReadonlySet<FragmentId>;
}

/** Replaces, in place, every row whose id is in `incoming`. */
function replaceById(fragments: readonly Fragment[], incoming: ReadonlyMap<string, Row>): Replacement {
  const matchedIds = new Set<string>();
  const touched = new Set<FragmentId>();
  let rowsReplaced = 0;
  const result = fragments.map((fragment) => {
    if (!fragment.rows.some((row) => incoming.has(row.id))) return fragment;
    touched.add(fragment.id);
    const rows = fragment.rows.map((row) => {
      const replacement = incoming.get(row.id);
      if (replacement === undefined) return row;
      matchedIds.add(row.id);
      rowsReplaced += 1;
      return replacement;
    });
    return Object.freeze({ id: fragment.id, rows: Object.freeze(rows) });
  });
  return { fragments: Object.freeze(result), matchedIds, rowsReplaced, touched };
}

/** Frozen copies of the caller's rows, so a caller mutating its objects cannot reach the store. */
function storedRows(rows: readonly Row[]): Row[] {
  return rows.map((row) => {
    if (typeof row.id !== "string") throw new StorageError("InvalidInput", `Invalid input, row id must be a string`);
    return Object.freeze({ ...row });
  });
}

/** Merge and Update key on id; two source rows with one id are ambiguous, as in Lance. */
function uniqueById(rows: readonly Row[], op: "Merge" | "Update"): ReadonlyMap<string, Row> {
  const byId = new Map<string, Row>();
  for (const row of storedRows(rows)) {
    if (byId.has(row.id)) {
      throw new StorageError("InvalidInput", `Invalid input, ${op} has more than one source row with id ${row.id}`);
    }
    byId.set(row.id, row);
  }
  return byId;
}

function withConfig(config: ReadonlyMap<string, string>, key: string, value: string | null): ReadonlyMap<string, string> {
  const next = new Map(config);
  if (value === null) next.delete(key);
  else next.set(key, value);
  return next;
}

function sortedUnique(names: readonly string[]): readonly string[] {
  return Object.freeze([...new Set(names)].sort());
}
