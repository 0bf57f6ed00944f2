// Referential integrity on the write path (`ensure_node_id_exists`): an edge's endpoint must
// exist in the pending batch or in the node table as `snapshot_for_branch` pins it (the handle's
// warm snapshot on its bound branch, a fresh read of any other), after re-validating the schema
// contract.
import { snapshotForBranch } from "../handle/branch-snapshot.ts";
import { OmniError } from "../errors.ts";
import type { Handle } from "../handle/handle.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import { tableKeyFor } from "../schema/catalog.ts";
import type { MutationStaging } from "./staging.ts";
import type { WriteTxn } from "./txn.ts";

export async function ensureNodeIdExists(
  h: Handle,
  txn: WriteTxn,
  staging: MutationStaging,
  edge: string,
  role: "src" | "dst",
  nodeType: string,
  id: string,
): Promise<void> {
  const tableKey = tableKeyFor("node", nodeType);
  if (staging.pendingRows(tableKey).some((r) => r.id === id)) return;
  if (await nodeExistsIn(h, await snapshotForBranch(h, txn.branch), nodeType, id)) return;
  throw new OmniError("MissingEndpoint", { edge, role, nodeType, id }, `edge ${edge}: ${role} ${nodeType} '${id}' does not exist`);
}

export async function nodeExistsIn(h: Handle, snapshot: Snapshot, nodeType: string, id: string): Promise<boolean> {
  const entry = snapshot.entry(tableKeyFor("node", nodeType));
  if (!entry) return false;
  const content = await h.env.storage.datasets.checkout(entry.path, entry.branch, entry.version);
  return content.rows.some((r) => r.id === id);
}
