// Upstream's `StorageAdapter::rename_text` (storage.rs). On a local file system it is one
// atomic rename; on an object store (S3, GCS: where a deployed graph lives) `ObjectStore::rename`
// is a copy followed by a delete, and "if the copy succeeds and the delete fails (or the process
// crashes between them), both source and destination exist with the same content" (upstream's
// own comment). The model takes the object-store shape: two storage calls, so a crash or
// another actor can come between them.
import type { Env } from "../env.ts";

/** `copy` stands in for the plain copy where a caller verifies it (`verifySchemaFiles`). */
export async function renameText(env: Env, from: string, to: string, copy: (env: Env, from: string, to: string) => Promise<void> = plainCopy): Promise<void> {
  await copy(env, from, to);
  await env.storage.objects.delete(from);
}

function plainCopy(env: Env, from: string, to: string): Promise<void> {
  return env.storage.objects.copy(from, to);
}
