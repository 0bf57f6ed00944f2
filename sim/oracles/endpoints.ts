// An edge insert may fail with `MissingEndpoint` only when an endpoint was missing: the op-policy
// allows the error on any write, and this oracle holds it to a cause in the harness's own reading
// of the published states (the oracles' reader, never the engine's word). An endpoint check that
// observes live committed state reads one published state of the write's branch standing
// somewhere in the operation's window: the one standing when it began, or one published before it
// ended. So when every endpoint the request names was present in each of those states, no
// correct engine could have found one missing, and the failure is spurious: a check that read a
// state older than the operation (a handle's warm snapshot of before another handle's insert:
// the stale-handle class, `probeOnWrite` at the seed), or one that misread. Any other state of
// the window that lacks an endpoint (its insert not yet published when the write began, a delete
// published inside the window, a table not yet registered) is a cause, and the failure stands.
//
// Judged only where the harness knows what the check must find: the request's edges with their
// endpoint ids (`Effect.edges`, absent when the request itself may remove or replace a node),
// their node types from the accepted schema, and the branch's states over the whole window. A
// state that pins a node table whose rows cannot be read fails closed (the oracle throws, the
// judge reports the state unreadable).
import { tableKeyFor } from "../../engine/schema/catalog.ts";
import type { Violation } from "../violations.ts";
import { branchOf, findRow, type JudgeContext } from "./context.ts";
import { type EdgeRequest, type OpRecord, violationOp } from "./history.ts";
import type { PublishedSnapshot } from "./published.ts";

/** One endpoint the check must find: a node of `type` whose id is `id`. */
interface Endpoint {
  readonly type: string;
  readonly id: string;
}

export function missingEndpointsHaveCause(ctx: JudgeContext): Violation[] {
  const out: Violation[] = [];
  for (const op of ctx.history.ops) {
    if ((op.kind !== "mutate" && op.kind !== "load") || op.status !== "err" || op.errorKind !== "MissingEndpoint") continue;
    // A scenario's own demand on the operation is judged by the op-policy.
    if (op.expect.mustFail || op.expect.mustSucceed || !op.effect.edges?.length) continue;
    const endpoints = endpointsOf(ctx, op.effect.edges);
    if (endpoints === null) continue;
    const states = statesInWindow(ctx, op);
    if (states === null) continue;
    if (!states.every((s) => endpoints.every((e) => presentIn(s, e)))) continue;
    out.push({
      kind: "spurious-missing-endpoint",
      message: `${op.label} failed with MissingEndpoint (${op.errorMessage}), but every endpoint it names (${endpoints.map((e) => `${e.type} '${e.id}'`).join(", ")}) was in each of the ${states.length} published state(s) of ${branchOf(op)} in its window`,
      op: violationOp(op),
      errorKind: "MissingEndpoint",
      ...(op.errorTable ? { table: op.errorTable } : {}),
      details: { branch: branchOf(op), versions: states.map((s) => s.version), windowFrom: op.start, windowTo: op.end },
    });
  }
  return out;
}

/**
 * The endpoints of the request's edges, typed by the accepted schema; null when an edge type is
 * not in it (dropped by a schema apply since: the types the check used are not the harness's to know).
 */
function endpointsOf(ctx: Pick<JudgeContext, "catalog">, edges: readonly EdgeRequest[]): Endpoint[] | null {
  const out: Endpoint[] = [];
  for (const e of edges) {
    const t = ctx.catalog.edges.get(e.type);
    if (!t) return null;
    out.push({ type: t.from, id: e.from }, { type: t.to, id: e.to });
  }
  return out;
}

/**
 * The published states of the operation's branch in its window: the one standing when it began,
 * then each one published before it ended. Null when the harness cannot list them all: the
 * state standing at its start is not among the snapshots shown (a crash state's future shows
 * only its own), the branch is not live at the end or was (re)created after the operation began,
 * or the branch had published nothing of its own by then (its fork point's state, which the
 * branch history does not hold).
 */
export function statesInWindow(ctx: Pick<JudgeContext, "snapshots" | "branches">, op: OpRecord): PublishedSnapshot[] | null {
  const branch = branchOf(op);
  let snapshots: readonly PublishedSnapshot[];
  if (branch === "main") snapshots = ctx.snapshots;
  else {
    const b = ctx.branches.find((x) => x.branch === branch);
    if (!b || b.createdAt < 0 || b.createdAt >= op.start) return null;
    snapshots = b.snapshots;
  }
  const standing = snapshots.findLastIndex((s) => s.at < op.start);
  if (standing < 0) return null;
  const end = op.end ?? Number.MAX_SAFE_INTEGER;
  return snapshots.slice(standing).filter((s, i) => i === 0 || s.at < end);
}

/** Whether `state` has the endpoint's node; a pinned node table whose rows cannot be read fails closed. */
function presentIn(state: PublishedSnapshot, e: Endpoint): boolean {
  const table = tableKeyFor("node", e.type);
  if (!state.pins.some((p) => p.tableKey === table)) return false;
  if (!state.tables.has(table)) throw new Error(`${table} is pinned in v${state.version} but its rows cannot be read: whether '${e.id}' was there is unknown`);
  return findRow(state, { table, column: "id", value: e.id }) !== undefined;
}
