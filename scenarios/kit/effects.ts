// The logical effect of a request, as the harness reads it off the request itself.
import { tableKeyFor } from "../../engine/schema/catalog.ts";
import type { LoadSpec } from "../../engine/write/load.ts";
import type { MutationOp } from "../../engine/write/ops.ts";
import type { EdgeRequest, Effect, RowRef } from "../../sim/oracles/history.ts";

function idOf(where: readonly { column: string; equals: unknown }[]): string | null {
  const c = where.find((w) => w.column === "id");
  return c && typeof c.equals === "string" ? c.equals : null;
}

/**
 * An edge's endpoints, by id in every node table (the harness need not know the edge's types:
 * a delete of that id in any node table is a possible cascade).
 */
function endpoints(from: string, to: string): RowRef[] {
  return [from, to].flatMap((id) => ["Person", "Company"].map((t) => ({ table: tableKeyFor("node", t), column: "id", value: id })));
}

/**
 * Keyed node inserts are named by id, keyless ones and edges by their `tag` (when they carry one).
 * Every edge insert's endpoints are recorded too (`edges`), unless the request also deletes
 * nodes: the harness does not evaluate a delete's predicate, so such a request may remove its
 * own endpoint, and its `MissingEndpoint` is then not the harness's to judge.
 */
export function mutationEffect(ops: readonly MutationOp[]): Effect {
  const edges: EdgeRequest[] = [];
  const inserts: RowRef[] = [];
  const deletes: RowRef[] = [];
  const updates: { row: RowRef; set: Record<string, never> }[] = [];
  for (const op of ops) {
    switch (op.kind) {
      case "insertNode":
        if (typeof op.props.name === "string") inserts.push({ table: tableKeyFor("node", op.type), column: "id", value: op.props.name });
        else if (typeof op.props.tag === "string") inserts.push({ table: tableKeyFor("node", op.type), column: "tag", value: op.props.tag });
        break;
      case "insertEdge":
        edges.push({ type: op.type, from: op.from, to: op.to });
        if (typeof op.props?.tag === "string") {
          inserts.push({ table: tableKeyFor("edge", op.type), column: "tag", value: op.props.tag, dependsOn: endpoints(op.from, op.to) });
        }
        break;
      case "updateNode": {
        const id = idOf(op.where);
        if (id) updates.push({ row: { table: tableKeyFor("node", op.type), column: "id", value: id }, set: op.set as Record<string, never> });
        break;
      }
      case "deleteNode": {
        const id = idOf(op.where);
        if (id) deletes.push({ table: tableKeyFor("node", op.type), column: "id", value: id });
        break;
      }
      case "deleteEdge": {
        const tag = op.where.find((w) => w.column === "tag")?.equals;
        if (typeof tag === "string") deletes.push({ table: tableKeyFor("edge", op.type), column: "tag", value: tag });
        break;
      }
    }
  }
  const deletesNodes = ops.some((op) => op.kind === "deleteNode");
  return { inserts, deletes, updates, ...(edges.length > 0 && !deletesNodes ? { edges } : {}) };
}

/**
 * A load's rows by name, and its edges' endpoints (`edges`), except an `Overwrite`'s: it replaces
 * the node tables it loads, so its endpoint check reads only its own rows there.
 */
export function loadEffect(spec: LoadSpec): Effect {
  const edges: EdgeRequest[] = [];
  const inserts: RowRef[] = [];
  for (const [type, rows] of Object.entries(spec.nodes ?? {})) {
    for (const r of rows) if (typeof r.name === "string") inserts.push({ table: tableKeyFor("node", type), column: "id", value: r.name });
  }
  for (const [type, rows] of Object.entries(spec.edges ?? {})) {
    for (const r of rows) {
      edges.push({ type, from: r.from, to: r.to });
      if (typeof r.props?.tag === "string") {
        inserts.push({ table: tableKeyFor("edge", type), column: "tag", value: r.props.tag, dependsOn: endpoints(r.from, r.to) });
      }
    }
  }
  return { inserts, deletes: [], updates: [], ...(edges.length > 0 && spec.mode !== "Overwrite" ? { edges } : {}) };
}
