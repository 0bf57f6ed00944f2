// The one home of the `fix682` flag (engine/fixes.ts): #682 (for #639). The merge base is sought
// among the commits of the two merging branches' commit graphs; a merged parent both sides reach
// (a third branch they both merged) has its record on that third branch only, so at the seed it
// is passed over and an older base is chosen. With the fix, the merge reads the other live
// branches' commit graphs, one at a time, until those merged parents resolve. Read by `base.ts`.
import type { Env } from "../env.ts";

export function resolvesForeignMergedParents(env: Env): boolean {
  return env.fixes.fix682;
}
