// A dataset commit on the write path. Lance's commit conflicts surface as the engine's typed
// error (upstream's `OmniError::Lance`), so callers and oracles see a kind, not a raw message.
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import { isRetryableLanceConflict, StorageError } from "../storage/errors.ts";
import type { Branch, CommitResult, DatasetPath, TableKey, TxnDelta, Version } from "../storage/types.ts";

export async function commitTable(env: Env, tableKey: TableKey, path: DatasetPath, ref: Branch, readVersion: Version, delta: TxnDelta): Promise<CommitResult> {
  try {
    return await env.storage.datasets.commit(path, ref, readVersion, delta);
  } catch (e) {
    if (!(e instanceof StorageError) || !isRetryableLanceConflict(e)) throw e;
    throw new OmniError("LanceCommitConflict", { tableKey, retryable: e.kind !== "CommitConflict" }, `${delta.op} on ${tableKey} failed: ${e.message}`, { cause: e });
  }
}
