// Validating the schema contract outside the commit section. The three files are renamed one
// at a time by a schema apply (and may be left half renamed by one that crashed); under
// `ownerLease` such a half state is only ever seen while some committer holds the lease. A
// validation that fails then waits for the lease, recovers whatever a dead apply left, and
// validates again; at the seed the failure stands.
import type { Env } from "../env.ts";
import { isOmniError } from "../errors.ts";
import { acquireLease, branchLeaseResource, leaseOwnerId, releaseLease } from "../lease/lease.ts";
import { leaseGuardsCommits } from "../lease/owner-lease.ts";
import type { Coordinator } from "../manifest/coordinator.ts";
import type { Catalog } from "../schema/catalog.ts";
import { validateSchemaState } from "../schema-state/contract-files.ts";
import { recoverUnderLease } from "./commit-section.ts";

export async function ensureSchemaState(env: Env, coordinator: Coordinator, who: string): Promise<Catalog> {
  try {
    return await validateSchemaState(env);
  } catch (e) {
    if (!leaseGuardsCommits(env) || !isOmniError(e, "SchemaContractInvalid")) throw e;
  }
  const lease = await acquireLease(env, branchLeaseResource(coordinator.branch), leaseOwnerId(env, who));
  try {
    await recoverUnderLease(env, coordinator, lease);
    // Validate before giving the lease back: another apply may start renaming right after.
    return await validateSchemaState(env);
  } finally {
    await releaseLease(env, lease);
  }
}
