// The `stampFloor311` flag's one home. Not a fix: what upstream's #311 (`7779b724`) brought
// after the seed. It raised the oldest internal-schema stamp an open accepts to the current
// one, so a manifest without a stamp (read as v1) is refused on every open, where the seed
// migrates it on its first publish. With init's create-to-stamp window still open, a crash in
// that window then leaves a graph no open accepts (#483), until #487 (`fix487`) closed the
// window.
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import type { ManifestSnapshot } from "../storage/types.ts";
import { INTERNAL_MANIFEST_SCHEMA_VERSION, readStamp } from "./internal-schema.ts";

/** `refuse_if_stamp_unsupported` on the open path, under the flag. */
export function refuseBelowStampFloor(env: Env, state: ManifestSnapshot): void {
  if (!env.fixes.stampFloor311) return;
  const stamp = readStamp(state);
  if (stamp >= INTERNAL_MANIFEST_SCHEMA_VERSION) return;
  throw new OmniError(
    "InternalSchemaUnsupported",
    { stamp, supported: INTERNAL_MANIFEST_SCHEMA_VERSION },
    `__manifest is stamped at internal schema v${stamp}, older than the oldest this binary opens (v${INTERNAL_MANIFEST_SCHEMA_VERSION}); it was created by omnigraph 0.3.1 or earlier — export it with that release and re-import`,
  );
}
