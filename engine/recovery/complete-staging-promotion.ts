// The one home of the `completeStagingPromotion` flag (engine/fixes.ts): Found by omnisim: a
// partial staging set that still has `_schema.pg.staging` is discarded, not promoted. Read by
// `schema-state-files.ts`.
import type { Env } from "../env.ts";

/** Whether `completeStagingPromotion` is on for this engine. */
export function completeStagingPromotion(env: Env): boolean {
  return env.fixes.completeStagingPromotion;
}
