// The one home of the `fix517` flag (engine/fixes.ts): #517 (`28565687`, for #473 and #282). A
// fast-forward merge of a table the source changed on a branch, whose rows net back to the
// fork point (edits that cancel out, or a full reload that wrote the same rows), adopts the
// source by a pointer switch onto the target's own row: the same (table, version) row the
// manifest already holds, which the publisher refuses as "table version N already exists",
// and every retry plans the same. With the fix such a table is dropped from the merge (its
// registration is already the stored row, its rows are logically equal). Read by `candidates.ts`.
import type { Env } from "../env.ts";

export function dropsNetZeroAdoption(env: Env): boolean {
  return env.fixes.fix517;
}
