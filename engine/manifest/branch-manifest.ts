// A branch's `__manifest` read, where a named branch deleted under the reader is BranchNotFound
// (upstream surfaces Lance's own not-found error there: docs/fidelity.md, D8); the publisher's
// merge names it so too (`asBranchNotFound`).
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import { isStorageError } from "../storage/errors.ts";
import type { Branch, ManifestSnapshot, Version } from "../storage/types.ts";

export async function loadBranchManifest(env: Env, branch: Branch, at?: Version): Promise<ManifestSnapshot> {
  try {
    return at === undefined ? await env.storage.manifest.load(branch) : await env.storage.manifest.load(branch, at);
  } catch (e) {
    throw asBranchNotFound(branch, e);
  }
}

/** A storage NotFound on named branch `branch` as BranchNotFound; any other error as it is. */
export function asBranchNotFound(branch: Branch, e: unknown): unknown {
  if (branch !== null && isStorageError(e, "NotFound")) return new OmniError("BranchNotFound", { branch }, `branch '${branch}' not found`, { cause: e });
  return e;
}
