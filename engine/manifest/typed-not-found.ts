// The one home of the `typedNotFound` flag (engine/fixes.ts): how an open reports a root that
// has no `__manifest`. At the seed (`7d3a52d6`) Lance's `DatasetNotFound` reaches the caller as
// an untyped `OmniError::Lance(String)` (here: the raw StorageError). Upstream's b25e0388
// ("classify typed storage failures", in 62a9c3fe) classifies it: `OmniError::Storage` of kind
// `StorageFailureKind::NotFound` (error.rs `classify_lance_error`, instrumentation.rs
// `open_dataset`). Read by the coordinator's open.
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import { isStorageError } from "../storage/errors.ts";
import type { Branch } from "../storage/types.ts";

/** The manifest dataset, as upstream names it (`manifest_uri`). */
const MANIFEST = "__manifest";

/** What a failed load of `branch`'s manifest throws: upstream's typed NotFound for a missing main manifest. */
export function manifestLoadError(env: Env, branch: Branch, e: unknown): unknown {
  if (!env.fixes.typedNotFound || branch !== null || !isStorageError(e, "NotFound")) return e;
  return new OmniError("StorageFailure", { storageKind: "NotFound", key: MANIFEST }, `storage: ${e.message}`, { cause: e });
}
