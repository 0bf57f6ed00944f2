// Tables by their graph names. The engine stores a type's table at `nodes/<hash of its name>`
// (upstream's layout), so a raw trace says `nodes/40d76f1f51639ec0` where errors say
// `node:Person`. Every table key the graph publishes appears as a row id of a `manifest.create`
// or `manifest.merge`, so the trace itself says which hash is which type: no scenario knowledge
// is needed, and a saved trace (`omnisim show`) renders the same way.
import { tablePathForTableKey } from "../engine/schema/catalog.ts";
import type { TableKey } from "../engine/storage/types.ts";
import type { TraceEvent } from "../sim/trace.ts";

const TABLE_KEY = /^(node|edge):[A-Za-z_][A-Za-z0-9_]*$/;
const TABLE_PATH = /\b(?:nodes|edges)\/[0-9a-f]{16}\b/g;

/** Dataset path -> table key, for every table key a trace's manifest writes name. */
export function tableNames(events: readonly TraceEvent[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const ev of events) {
    if (ev.e !== "io" || (ev.op !== "manifest.merge" && ev.op !== "manifest.create")) continue;
    const rows = ev.args.rows;
    if (!Array.isArray(rows)) continue;
    for (const id of rows) {
      if (typeof id === "string" && TABLE_KEY.test(id) && !names.has(id)) names.set(tablePathForTableKey(id as TableKey), id);
    }
  }
  return names;
}

/** `datasets.commit nodes/40d76f1f51639ec0` -> `datasets.commit node:Person`. */
export function nameTables(text: string, names: ReadonlyMap<string, string>): string {
  return names.size === 0 ? text : text.replace(TABLE_PATH, (path) => names.get(path) ?? path);
}
