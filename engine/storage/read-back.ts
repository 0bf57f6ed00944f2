// Verify-after-write for plain objects: an acknowledged put (or copy) is trusted only once a read
// of its key gives back what was written. Object stores acknowledge writes that a fault may lose,
// tear or land under another key (the seeded fault plan's `lost`, `torn`, `misdirected`); the
// fixes that guard the files recovery depends on (`verifySidecarWrite`, `verifySchemaFiles`)
// read them back before anything depends on them.
import type { Env } from "../env.ts";
import { isStorageError } from "./errors.ts";

/** Whether `key` reads back as `body` (a failed read is a no). */
export async function readsBack(env: Env, key: string, body: string): Promise<boolean> {
  try {
    return (await env.storage.objects.get(key)) === body;
  } catch (e) {
    if (isStorageError(e)) return false;
    throw e;
  }
}

/**
 * Runs `write` (a put or copy of `body` to `key`) and reads `key` back, twice at most; a write
 * that fails with a storage error counts as one that did not read back. Whether `key` now holds
 * `body`.
 */
export async function writeReadBack(env: Env, key: string, body: string, write: () => Promise<unknown>): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await write();
    } catch (e) {
      if (!isStorageError(e)) throw e;
    }
    if (await readsBack(env, key, body)) return true;
  }
  return false;
}

/** Deletes `key`, best effort (a storage failure leaves it to recovery). */
export async function deleteBestEffort(env: Env, key: string): Promise<void> {
  try {
    await env.storage.objects.delete(key);
  } catch (e) {
    if (!isStorageError(e)) throw e;
  }
}
