// A delete confirmed by a read: an object store may acknowledge a delete that never took effect
// (a `lost` write) or fail one outright, and a caller whose later steps assume the key is gone
// (init's cleanup before it releases the root claim, a takeover marker's one winner) must know.
// Each attempt deletes, then asks whether the key is still there; a storage error on either call
// costs an attempt. Found by the faults hunt on `fixed` (`init-cleanup-deletes-graph` seed 566: a
// lost delete of a torn `_schema.pg` left it with no claim, so no takeover applied and the root
// refused every init; `dead-init-bricks-root` seed 626: an error, then a lost delete of a torn
// claim whose takeover marker the release had won, left the claim for good).
import type { Env } from "../env.ts";
import { isStorageError } from "./errors.ts";

/** Attempts at a confirmed delete before the caller is told the key may still be there. */
export const CONFIRMED_DELETE_ATTEMPTS = 5;

/**
 * Deletes `key` and confirms it is gone: true once a read says so, false if it may remain. With
 * `text`, the key counts as gone once it holds anything else: a key others may create again once
 * it is gone (the root init claim) is deleted again only while it still holds what this caller
 * was deleting, never a successor's (`dead-init-bricks-root` seed 570 with `--faults all` on
 * `fixed`: a torn claim deleted, a second init's claim put, then an existence check found the key
 * and the blind retry deleted the second init's claim).
 */
export async function deleteConfirmed(env: Env, key: string, text?: string, attempts = CONFIRMED_DELETE_ATTEMPTS): Promise<boolean> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await env.storage.objects.delete(key);
    } catch (e) {
      if (!isStorageError(e)) throw e;
      // NotFound or not, the read below says where things stand.
    }
    try {
      if (!(await stillThere(env, key, text))) return true;
    } catch (e) {
      if (!isStorageError(e)) throw e;
    }
  }
  return false;
}

async function stillThere(env: Env, key: string, text: string | undefined): Promise<boolean> {
  if (text === undefined) return env.storage.objects.exists(key);
  try {
    return (await env.storage.objects.get(key)) === text;
  } catch (e) {
    if (isStorageError(e, "NotFound")) return false;
    throw e;
  }
}
