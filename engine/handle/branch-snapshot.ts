// How a handle reads a branch's manifest (`snapshot_for_branch`, `fresh_snapshot_for_branch`):
// the schema contract is validated first; the handle's own bound branch is its warm snapshot,
// any other branch a cold read of that branch, which fails with BranchNotFound when the branch
// does not exist.
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import { readSnapshot } from "../manifest/coordinator.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import { isStorageError } from "../storage/errors.ts";
import type { Branch } from "../storage/types.ts";
import type { Handle } from "./handle.ts";
import { ensureSchemaState } from "./schema-guard.ts";

/** `snapshot_for_branch`: warm for the bound branch, cold for any other. */
export async function snapshotForBranch(h: Handle, branch: Branch): Promise<Snapshot> {
  await ensureSchemaState(h.env, h.coordinator, h.id);
  if (branch === h.coordinator.branch) return h.coordinator.snapshot;
  return readBranchSnapshot(h.env, branch);
}

/** `fresh_snapshot_for_branch`: a fresh read of the branch, never the warm cache. */
export async function freshSnapshotForBranch(h: Handle, branch: Branch): Promise<Snapshot> {
  await ensureSchemaState(h.env, h.coordinator, h.id);
  return readBranchSnapshot(h.env, branch);
}

/** A fresh read of `branch`'s manifest; BranchNotFound for a branch that does not exist. */
export async function readBranchSnapshot(env: Env, branch: Branch): Promise<Snapshot> {
  try {
    return await readSnapshot(env, branch);
  } catch (e) {
    if (branch !== null && isStorageError(e, "NotFound")) {
      throw new OmniError("BranchNotFound", { branch }, `branch '${branch}' not found`, { cause: e });
    }
    throw e;
  }
}
