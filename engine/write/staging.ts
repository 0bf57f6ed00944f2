// `MutationStaging`: what one mutation or load has accumulated before its commit. Inserts and
// updates are pending rows; deletes are committed inline at the seed (recorded here), or
// staged as pending predicates under `stagedDeletes`.
import { OmniError } from "../errors.ts";
import type { Branch, DatasetPath, Row, RowPredicate, TableKey, Version } from "../storage/types.ts";
import { type OpKind, stricter } from "./ops.ts";

export type PendingMode = "Append" | "Merge" | "Overwrite" | "Delete";

export interface PendingTable {
  readonly mode: PendingMode;
  readonly rows: Row[];
  /** Delete clauses, OR-ed (staged deletes only). */
  readonly deletes: RowPredicate["anyOf"][number][];
}

export interface InlineCommit {
  readonly version: Version;
  readonly rowCount: number;
}

export class MutationStaging {
  readonly pending = new Map<TableKey, PendingTable>();
  readonly paths = new Map<TableKey, DatasetPath>();
  /** The Lance ref each table is written on: null on main, the branch's fork on a branch. */
  readonly refs = new Map<TableKey, Branch>();
  /** The publisher's fence: the pin each table had when first touched. */
  readonly expected = new Map<TableKey, Version>();
  readonly opKinds = new Map<TableKey, OpKind>();
  readonly inline = new Map<TableKey, InlineCommit>();

  /** First touch fixes the ref and the expected version; the op kind only gets stricter. */
  ensurePath(tableKey: TableKey, path: DatasetPath, ref: Branch, expected: Version, kind: OpKind): void {
    if (!this.paths.has(tableKey)) {
      this.paths.set(tableKey, path);
      this.refs.set(tableKey, ref);
      this.expected.set(tableKey, expected);
    }
    const prior = this.opKinds.get(tableKey);
    this.opKinds.set(tableKey, prior ? stricter(prior, kind) : kind);
  }

  /**
   * `append_batch`'s accumulator rule: Append rolls up into Merge when a merge op arrives (a
   * merge-insert inserts append-shaped rows too); Overwrite (and, under `stagedDeletes`,
   * Delete) never mixes with another mode.
   */
  private table(tableKey: TableKey, mode: PendingMode): PendingTable {
    let t = this.pending.get(tableKey);
    if (!t) {
      t = { mode, rows: [], deletes: [] };
      this.pending.set(tableKey, t);
    } else if (t.mode !== mode) {
      const additive = (m: PendingMode) => m === "Append" || m === "Merge";
      if (!additive(t.mode) || !additive(mode)) {
        throw new OmniError(
          "StagingModesMixed",
          { tableKey, staged: t.mode, incoming: mode },
          `table '${tableKey}' cannot mix ${t.mode.toLowerCase()} staging with ${mode.toLowerCase()} staging`,
        );
      }
      if (mode === "Merge") {
        t = { ...t, mode: "Merge" };
        this.pending.set(tableKey, t);
      }
    }
    return t;
  }

  appendRows(tableKey: TableKey, mode: Exclude<PendingMode, "Delete">, rows: readonly Row[]): void {
    // An empty batch is a no-op for additive modes; for Overwrite it means "replace with nothing".
    if (rows.length === 0 && mode !== "Overwrite") return;
    this.table(tableKey, mode).rows.push(...rows);
  }

  stageDelete(tableKey: TableKey, clause: RowPredicate["anyOf"][number]): void {
    this.table(tableKey, "Delete").deletes.push(clause);
  }

  /** The ref `tableKey` is written on (main until first touched). */
  refOf(tableKey: TableKey): Branch {
    return this.refs.get(tableKey) ?? null;
  }

  pendingRows(tableKey: TableKey): readonly Row[] {
    return this.pending.get(tableKey)?.rows ?? [];
  }

  recordInline(tableKey: TableKey, commit: InlineCommit): void {
    this.inline.set(tableKey, commit);
  }

  get isEmpty(): boolean {
    return this.pending.size === 0 && this.inline.size === 0;
  }
}
