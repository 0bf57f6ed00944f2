// Graph branch names (`normalize_branch_name`, `is_internal_system_branch`,
// `ensure_public_branch_ref`): "main" is the null branch, and system branches (the schema-apply
// lock) are not for users.
import { OmniError } from "../errors.ts";
import { SCHEMA_APPLY_LOCK_BRANCH } from "../manifest/layout.ts";
import type { Branch } from "../storage/types.ts";

/** A user's branch name as the engine keys it: trimmed, "main" is null. Empty is refused. */
export function normalizeBranchName(name: string): Branch {
  const trimmed = name.trim();
  if (trimmed === "") throw new OmniError("InvalidBranch", { branch: name }, "branch name cannot be empty");
  return trimmed === "main" ? null : trimmed;
}

/** Branches the engine keeps for itself (the schema-apply lock). */
export function isInternalSystemBranch(name: string): boolean {
  return name === SCHEMA_APPLY_LOCK_BRANCH;
}

/** `ensure_public_branch_ref`: refuses a system branch at a public entry point. */
export function ensurePublicBranchRef(name: string, operation: string): void {
  if (isInternalSystemBranch(name.trim())) {
    throw new OmniError("InvalidBranch", { branch: name }, `${operation} does not allow internal system ref '${name}'`);
  }
}

/** How a branch reads in messages. */
export function branchLabel(branch: Branch): string {
  return branch ?? "main";
}
