// The read path: validate the schema contract, probe the manifest (refreshing the warm
// snapshot when it moved), and read the table at its published version. Reads never see Lance
// HEAD, only what the manifest publishes.
import { ensureSchemaState } from "../handle/schema-guard.ts";
import { tableKeyFor, type TypeKind } from "../schema/catalog.ts";
import type { Row } from "../storage/types.ts";
import type { Handle } from "../handle/handle.ts";

export async function readTable(h: Handle, kind: TypeKind, type: string): Promise<Row[]> {
  await ensureSchemaState(h.env, h.coordinator, h.id);
  await h.coordinator.probe();
  const entry = h.coordinator.snapshot.entry(tableKeyFor(kind, type));
  if (!entry) return [];
  return [...(await h.env.storage.datasets.checkout(entry.path, null, entry.version)).rows];
}
