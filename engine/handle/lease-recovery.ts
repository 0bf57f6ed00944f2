// Recovery at open and refresh under `ownerLease`: only with the branch lease in hand, taken
// without waiting. A live committer holds it, so its sidecar and staging files are left to it
// (B6, B10); a crashed one's lease runs out, and the next open recovers its intent.
import type { Env } from "../env.ts";
import { branchLeaseResource, leaseOwnerId, releaseLease, tryAcquireLease } from "../lease/lease.ts";
import type { Coordinator } from "../manifest/coordinator.ts";
import { recoverUnderLease } from "./commit-section.ts";

/** Whether recovery ran; false when a live committer held the lease. */
export async function recoverIfLeaseFree(env: Env, coordinator: Coordinator, who: string): Promise<boolean> {
  const lease = await tryAcquireLease(env, branchLeaseResource(coordinator.branch), leaseOwnerId(env, who));
  if (!lease) return false;
  try {
    await recoverUnderLease(env, coordinator, lease);
  } finally {
    await releaseLease(env, lease);
  }
  return true;
}
