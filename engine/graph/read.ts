// The read path: validate the schema contract, probe the manifest (refreshing the warm
// snapshot when it moved), and read the table at its published version. Reads never see Lance
// HEAD, only what the manifest publishes.
import { ensureSchemaState } from "../handle/schema-guard.ts";
import { tableKeyFor, type TypeKind } from "../schema/catalog.ts";
import type { Row } from "../storage/types.ts";
import type { Handle } from "../handle/handle.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import { snapshotOf } from "./branches.ts";

export async function readTable(h: Handle, kind: TypeKind, type: string, branch?: string): Promise<Row[]> {
  const snapshot = branch === undefined ? await boundSnapshot(h) : await snapshotOf(h, branch);
  const entry = snapshot.entry(tableKeyFor(kind, type));
  if (!entry) return [];
  return [...(await h.env.storage.datasets.checkout(entry.path, entry.branch, entry.version)).rows];
}

/** The bound branch's snapshot, probed (refreshed when the manifest moved). */
async function boundSnapshot(h: Handle): Promise<Snapshot> {
  await ensureSchemaState(h.env, h.coordinator, h.id);
  await h.coordinator.probe();
  return h.coordinator.snapshot;
}
