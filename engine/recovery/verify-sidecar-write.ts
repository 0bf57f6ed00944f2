// The one home of the `verifySidecarWrite` flag (engine/fixes.ts): found by omnisim's storage
// faults (the class of upstream's #602, a lost sidecar update). A writer trusts an acknowledged
// sidecar put and goes on to commit its tables; when the put was lost (or landed torn, or under
// another key), a crash before the publish leaves a table moved past its pin with no intent to
// recover it (drift no recovery can explain), and a lost confirmation rewrite leaves recovery
// the stale, unconfirmed content. With the fix the writer reads its sidecar back before any
// effect; a copy that is not there as written (or a put that failed) is put again once, and if
// it still is not there, the writer deletes whatever is at its key (best effort) and fails with a
// typed `StorageFailure` before committing anything. A rewrite in place after effects (a
// confirmation: BranchMerge's Phase B, a schema apply's published marker) is read back too; one
// that does not read back is undone, the sidecar put back as it was (a torn confirmation left in
// place refuses every later open: `schema-apply-reopen` seed 154 with `--faults all`), and the
// writer fails typed, as upstream's writer does when its confirmation fails. Read by `sidecar.ts`.
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import { deleteBestEffort, writeReadBack } from "../storage/read-back.ts";

/** Puts `body` at `key`; under `verifySidecarWrite`, reads it back until it is there as written. */
export async function putSidecarBody(env: Env, key: string, body: string): Promise<void> {
  if (!env.fixes.verifySidecarWrite) return env.storage.objects.put(key, body);
  if (await writeReadBack(env, key, body, () => env.storage.objects.put(key, body))) return;
  await deleteBestEffort(env, key);
  throw new OmniError("StorageFailure", { storageKind: "NotDurable", key }, `recovery sidecar ${key} did not read back as written; the operation stops before any effect`);
}

/**
 * Rewrites the sidecar at `key` (holding `previous`) as `body`; under `verifySidecarWrite`, reads
 * it back, and when it is not there as written puts `previous` back (read back too) and fails
 * typed: recovery then finds the sidecar as it was before the rewrite, never a damaged one.
 */
export async function rewriteSidecarBody(env: Env, key: string, body: string, previous: string): Promise<void> {
  if (!env.fixes.verifySidecarWrite) return env.storage.objects.put(key, body);
  if (await writeReadBack(env, key, body, () => env.storage.objects.put(key, body))) return;
  const restored = await writeReadBack(env, key, previous, () => env.storage.objects.put(key, previous));
  throw new OmniError(
    "StorageFailure",
    { storageKind: "NotDurable", key },
    `recovery sidecar ${key} did not read back as rewritten; ${restored ? "it is put back as it was" : "it could not be put back as it was either"}`,
  );
}
