// The harness's own record of what each actor asked for and what it was told. Oracles judge
// the durable state against this record, never against the engine's own testimony.
import type { OmniErrorKind } from "../../engine/errors.ts";
import { isOmniError } from "../../engine/errors.ts";
import type { Scalar, TableKey } from "../../engine/storage/types.ts";
import type { Actor } from "../scheduler.ts";
import type { OpKind, ViolationKind, ViolationOp } from "../violations.ts";
import type { World } from "../world.ts";

export type { OpKind } from "../violations.ts";

/** A row the harness can recognise by one column's value (a @key, or a unique tag). */
export interface RowRef {
  readonly table: TableKey;
  readonly column: string;
  readonly value: Scalar;
  /** Rows whose deletion removes this one too (an edge's endpoints: the delete cascades). */
  readonly dependsOn?: readonly RowRef[];
}

/** The logical effect an operation intends, as the harness computes it from the request. */
export interface Effect {
  /** The graph branch the operation writes (absent: main). */
  readonly branch?: string;
  /** A merge's source branch (its target is `branch`). */
  readonly mergedFrom?: string;
  /** The schema source a schema apply asks for. */
  readonly schema?: string;
  readonly inserts: readonly RowRef[];
  readonly deletes: readonly RowRef[];
  readonly updates: readonly { readonly row: RowRef; readonly set: Readonly<Record<string, Scalar>> }[];
  /**
   * The edges the request inserts, by type and endpoint ids: the nodes its endpoint check must
   * find in the branch's published state (`missing-endpoints-have-a-cause`). Absent where the
   * request itself may remove or replace an endpoint (see `scenarios/kit/effects.ts`).
   */
  readonly edges?: readonly EdgeRequest[];
}

/** One edge a request inserts: its type and its endpoints' ids, as the caller asked. */
export interface EdgeRequest {
  readonly type: string;
  readonly from: string;
  readonly to: string;
}

export const NO_EFFECT: Effect = { inserts: [], deletes: [], updates: [] };

/** What a scenario demands of one operation beyond the default policy. */
export interface Expectation {
  /** Error kinds this operation may legitimately end with (added to the defaults of its kind). */
  readonly allow?: readonly OmniErrorKind[];
  /** It must succeed; otherwise a violation of this kind. */
  readonly mustSucceed?: { readonly violation: ViolationKind; readonly why: string };
  /** It must fail with this error kind; otherwise a violation of this kind. */
  readonly mustFail?: { readonly kind: OmniErrorKind; readonly violation: ViolationKind; readonly why: string };
}

export type OpStatus = "pending" | "ok" | "err";

export interface OpRecord {
  readonly id: number;
  readonly label: string;
  readonly kind: OpKind;
  readonly actor: Actor;
  readonly effect: Effect;
  readonly expect: Expectation;
  /** Trace length when the operation started and ended. */
  readonly start: number;
  end: number | null;
  status: OpStatus;
  errorKind: string | null;
  errorMessage: string | null;
  /** The table the error names (`details.tableKey` of an engine error), if any. */
  errorTable: TableKey | null;
  /** The graph handle it ran on (a client's name), when the caller says: whose view it acted on. */
  readonly handle?: string;
}

/** Who runs an operation, beyond its actor. */
export interface RunOptions {
  /** The graph handle the operation runs on (see `OpRecord.handle`). */
  readonly handle?: string;
}

function tableOf(details: unknown): TableKey | null {
  const t = (details as { tableKey?: unknown } | null)?.tableKey;
  return typeof t === "string" ? (t as TableKey) : null;
}

/** The label of a graph's `init` (recorded as an operation of kind `open`). */
export function initLabel(name: string): string {
  return `init ${name}`;
}

/** Whether `op` is an init (see `initLabel`). */
export function isInit(op: OpRecord): boolean {
  return op.kind === "open" && op.label.startsWith("init ");
}

/** An operation as a violation names it. */
export function violationOp(op: OpRecord): ViolationOp {
  return { label: op.label, kind: op.kind, actor: op.actor.name };
}

export class History {
  readonly ops: OpRecord[] = [];

  constructor(private readonly world: World) {}

  /** Takes on a reused setup's operations, all the director's (see `World.restoreSetup`). */
  restoreOps(ops: readonly OpRecord[], director: Actor): void {
    if (this.ops.length > 0) throw new Error("a setup's operations can be restored only into an empty history");
    for (const op of ops) this.ops.push({ ...op, actor: director });
  }

  /** The actors' operations (the director's setup and probes aside): begun, and ended with an answer. */
  counts(): { attempted: number; completed: number } {
    let attempted = 0;
    let completed = 0;
    for (const op of this.ops) {
      if (op.actor.director) continue;
      attempted++;
      if (op.status !== "pending") completed++;
    }
    return { attempted, completed };
  }

  /** Runs `fn` as one recorded operation of the current actor; rethrows what it throws. */
  async run<T>(label: string, kind: OpKind, effect: Effect, expect: Expectation, fn: () => Promise<T>, options: RunOptions = {}): Promise<T> {
    const actor = this.world.sched.current;
    if (!actor) throw new Error(`history.run(${label}) outside any actor`);
    const rec: OpRecord = {
      id: this.ops.length + 1,
      label,
      kind,
      actor,
      effect,
      expect,
      start: this.world.trace.length,
      end: null,
      status: "pending",
      errorKind: null,
      errorMessage: null,
      errorTable: null,
      ...(options.handle !== undefined ? { handle: options.handle } : {}),
    };
    this.ops.push(rec);
    try {
      const value = await fn();
      rec.status = "ok";
      return value;
    } catch (e) {
      rec.status = "err";
      rec.errorKind = isOmniError(e) ? e.kind : e instanceof Error ? e.name : "thrown";
      rec.errorMessage = e instanceof Error ? e.message : String(e);
      rec.errorTable = isOmniError(e) ? tableOf(e.details) : null;
      throw e;
    } finally {
      rec.end = this.world.trace.length;
      this.world.trace.emit({ e: "op", id: rec.id, label, actor: actor.name, status: rec.status, ...(rec.errorKind ? { error: rec.errorKind } : {}) });
    }
  }

  /** As `run`, but an engine error ends the operation quietly (the oracles judge it). */
  async attempt<T>(label: string, kind: OpKind, effect: Effect, expect: Expectation, fn: () => Promise<T>, options: RunOptions = {}): Promise<T | undefined> {
    try {
      return await this.run(label, kind, effect, expect, fn, options);
    } catch (e) {
      if (isOmniError(e)) return undefined;
      throw e;
    }
  }
}
