// Each transaction kind of the seam as LanceDB calls on HEAD:
//   Append       add(rows)
//   Merge        mergeInsert("id").whenMatchedUpdateAll().whenNotMatchedInsertAll()
//   StagedMergeInsert
//                the same call, logged as the Update it is; its footprint is read at its read
//                version (the fragments of the rows it matched there), as Lance's staged
//                transaction would carry it. LanceDB has no staged commit, so the call matches
//                again at HEAD: a key inserted by someone else since the read version is
//                updated here where Lance would insert it twice (docs/fidelity.md).
//   Update       mergeInsert("id").whenMatchedUpdateAll() (per-row values in one version;
//                `update()` sets the same SQL values on every row it selects, and Lance's SQL
//                has no CASE to vary them)
//   Delete       delete(predicate) (delete-predicate.ts)
//   Overwrite    add(rows, {mode: "overwrite"})
//   Rewrite      optimize() (compaction; adds 0 to 3 versions, see below)
//   CreateIndex  createIndex("id", {BTree, name, replace: true})
//   UpdateConfig updateFieldMetadata on `id` (Lance commits it as an UpdateConfig)
// ReserveFragments has no LanceDB call of its own (only compaction reserves fragments), so it
// is InvalidInput here.
//
// Planning reads HEAD where the conflict footprint or the predicate needs it, and validates
// the delta, before anything commits; committing returns the versions LanceDB added, each with
// the op it is logged as and the existing fragments it rewrote or removed.
import * as lancedb from "@lancedb/lancedb";
import { StorageError } from "../../engine/storage/errors.ts";
import { version, type LanceOp, type Row, type TxnDelta, type Version } from "../../engine/storage/types.ts";
import { arrowTable, DATA_SCHEMA } from "./arrow-schemas.ts";
import type { LanceTable } from "./connection.ts";
import { rowMatches } from "../../engine/storage/row-predicate.ts";
import { deleteSql } from "./delete-predicate.ts";
import { ambiguousSource, lanceCall } from "./errors.ts";
import { atVersion, fragmentsOf, scanRows } from "./fragments.ts";
import { checkedRow, dataRecord } from "./row-codec.ts";

export interface AddedVersion {
  readonly version: Version;
  readonly op: LanceOp;
  readonly touched: readonly number[];
}

export interface Committed {
  /** HEAD after the call: the last added version, or HEAD itself if LanceDB added none. */
  readonly version: Version;
  readonly rowsAffected: number;
  readonly added: readonly AddedVersion[];
}

export interface Transaction {
  /** Existing fragments the transaction touches at HEAD: what a stale check compares. */
  readonly touchedAtHead: ReadonlySet<number>;
  /** A staged merge-insert's footprint: the fragments it rewrites at its read version. */
  readonly touchedAtRead?: ReadonlySet<number>;
  commit(): Promise<Committed>;
}

/** The table's version after a call whose result carries none. */
async function headOf(table: LanceTable): Promise<Version> {
  return version(await lanceCall(() => table.version()));
}

export async function planTransaction(table: LanceTable, head: Version, delta: TxnDelta, readVersion: Version = head): Promise<Transaction> {
  const one = (op: LanceOp, rowsAffected: number, to: number, touched: readonly number[] = []): Committed => ({
    version: version(to),
    rowsAffected,
    added: labelled(head, version(to), [op], touched),
  });
  switch (delta.op) {
    case "Append": {
      const data = arrowTable(DATA_SCHEMA, delta.rows.map(dataRecord));
      return fixed(new Set(), async () => one("Append", delta.rows.length, (await lanceCall(() => table.add(data))).version));
    }
    case "Merge": {
      const rows = uniqueById(delta.rows, "Merge");
      const ids = new Set(rows.map((r) => r.id));
      // The fragments whose rows it replaces: what a later stale rewriter compares.
      const touched = fragmentsOf((await scanRows(table)).filter((r) => ids.has(r.row.id)));
      const data = arrowTable(DATA_SCHEMA, rows.map(dataRecord));
      return fixed(touched, async () => {
        const r = await lanceCall(() => table.mergeInsert("id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data));
        return one("Merge", r.numInsertedRows + r.numUpdatedRows, r.version, [...touched]);
      });
    }
    case "StagedMergeInsert": {
      const rows = uniqueById(delta.rows, "Merge");
      const ids = new Set(rows.map((r) => r.id));
      const touchedAtRead = await atVersion(table, readVersion, async () => fragmentsOf((await scanRows(table)).filter((r) => ids.has(r.row.id))));
      const data = arrowTable(DATA_SCHEMA, rows.map(dataRecord));
      return {
        touchedAtHead: new Set(),
        touchedAtRead,
        async commit() {
          const r = await lanceCall(() => table.mergeInsert("id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data));
          return one("Update", r.numInsertedRows + r.numUpdatedRows, r.version, [...touchedAtRead]);
        },
      };
    }
    case "Update": {
      const rows = uniqueById(delta.rows, "Update");
      const ids = new Set(rows.map((r) => r.id));
      const touched = fragmentsOf((await scanRows(table)).filter((r) => ids.has(r.row.id)));
      const data = arrowTable(DATA_SCHEMA, rows.map(dataRecord));
      return fixed(touched, async () => {
        const r = await lanceCall(() => table.mergeInsert("id").whenMatchedUpdateAll().execute(data));
        return one("Update", r.numUpdatedRows, r.version, [...touched]);
      });
    }
    case "Delete": {
      const atHead = await scanRows(table);
      const touched = fragmentsOf(atHead.filter((r) => rowMatches(r.row, delta.where)));
      const predicate = deleteSql(atHead.map((r) => r.row), delta.where);
      return fixed(touched, async () => {
        const r = await lanceCall(() => table.delete(predicate));
        return one("Delete", r.numDeletedRows, r.version, [...touched]);
      });
    }
    case "Overwrite": {
      const data = arrowTable(DATA_SCHEMA, delta.rows.map(dataRecord));
      // An Overwrite conflicts with every stale commit whatever it touched.
      return fixed(new Set(), async () => one("Overwrite", delta.rows.length, (await lanceCall(() => table.add(data, { mode: "overwrite" }))).version));
    }
    case "Rewrite":
      return compaction(table, head);
    case "CreateIndex":
      return fixed(new Set(), async () => {
        await lanceCall(() => table.createIndex("id", { config: lancedb.Index.btree(), name: delta.index, replace: true }));
        return one("CreateIndex", 0, await headOf(table));
      });
    case "UpdateConfig": {
      const metadata = { [`omnisim.config.${delta.key}`]: delta.value };
      return fixed(new Set(), async () => one("UpdateConfig", 0, (await lanceCall(() => table.updateFieldMetadata([{ path: "id", metadata }]))).version));
    }
    case "ReserveFragments":
      throw new StorageError("InvalidInput", "Invalid input, LanceDB has no call that reserves fragments on its own (only compaction does)");
  }
}

function fixed(touchedAtHead: ReadonlySet<number>, commit: () => Promise<Committed>): Transaction {
  return { touchedAtHead, commit };
}

/**
 * Compaction through `optimize()`. LanceDB's optimize compacts, prunes versions older than
 * `cleanupOlderThan` (the epoch here: nothing), and then folds unindexed rows into indices. It
 * adds no version when there is nothing to do; a compaction commits ReserveFragments and then
 * the Rewrite; an index delta commits one more version (measured: +0, +1, +2, +3). What the
 * Rewrite touched is what it really removed: Lance does not compact a lone fragment, nor merge
 * indexed fragments with unindexed ones.
 */
async function compaction(table: LanceTable, head: Version): Promise<Transaction> {
  const before = fragmentsOf(await scanRows(table));
  return fixed(before, async () => {
    const stats = await lanceCall(() => table.optimize({ cleanupOlderThan: new Date(0) }));
    const to = await headOf(table);
    const after = fragmentsOf(await scanRows(table));
    const removed = [...before].filter((f) => !after.has(f));
    const count = to - head;
    const compacted = stats.compaction.fragmentsRemoved > 0;
    const ops: LanceOp[] = compacted
      ? count === 1
        ? ["Rewrite"]
        : ["ReserveFragments", "Rewrite", ...Array<LanceOp>(Math.max(0, count - 2)).fill("CreateIndex")]
      : Array<LanceOp>(count).fill("CreateIndex");
    const added = labelled(head, to, ops, []).map((a) => (a.op === "Rewrite" ? { ...a, touched: removed } : a));
    return { version: to, rowsAffected: 0, added };
  });
}

/** The versions after `head` up to `to`, labelled with `ops` in order (extras as unknown). */
function labelled(head: Version, to: Version, ops: readonly LanceOp[], touched: readonly number[]): AddedVersion[] {
  const added: AddedVersion[] = [];
  for (let v = head + 1; v <= to; v++) {
    const op = ops[v - head - 1] ?? "Overwrite";
    added.push({ version: version(v), op, touched });
  }
  return added;
}

/** Merge and Update key on id; two source rows with one id are ambiguous, as Lance says. */
function uniqueById(rows: readonly Row[], op: "Merge" | "Update"): Row[] {
  const seen = new Set<string>();
  for (const row of rows) {
    checkedRow(row);
    if (seen.has(row.id)) throw ambiguousSource(op, `id ${row.id}`);
    seen.add(row.id);
  }
  return [...rows];
}
