// The schema-apply lock: a system branch of `__manifest`, present while an apply runs. Writes
// and maintenance refuse while it exists; an apply creates it, and recovery under the lease
// clears one whose apply died.
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import { SCHEMA_APPLY_LOCK_BRANCH } from "./layout.ts";
import { manifestBranchNames } from "./branch-list.ts";

/** Whether the lock branch exists (a live list of manifest branches: `all_branches`). */
export async function schemaApplyLocked(env: Env): Promise<boolean> {
  return (await manifestBranchNames(env)).includes(SCHEMA_APPLY_LOCK_BRANCH);
}

/** `ensure_schema_apply_not_locked`. */
export async function ensureSchemaApplyNotLocked(env: Env, operation: string): Promise<void> {
  if (await schemaApplyLocked(env)) {
    throw new OmniError(
      "SchemaApplyLocked",
      { branch: SCHEMA_APPLY_LOCK_BRANCH },
      `${operation} is blocked: schema apply is in progress (branch ${SCHEMA_APPLY_LOCK_BRANCH} exists)`,
    );
  }
}
