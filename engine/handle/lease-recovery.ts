// Recovery at open and refresh under `ownerLease`: only with a branch's lease in hand, taken
// without waiting. A live committer holds it, so its sidecar and staging files are left to it
// (B6, B10); a crashed one's lease runs out, and the next open recovers its intent. The bound
// branch comes first (its schema staging files too), then every other branch with sidecars on
// disk, each under its own lease; a deleted branch's sidecars are orphans, discarded as such.
import type { Env } from "../env.ts";
import { isOmniError } from "../errors.ts";
import { branchLeaseResource, type Lease, leaseOwnerId, releaseLease, tryAcquireLease } from "../lease/lease.ts";
import type { Coordinator } from "../manifest/coordinator.ts";
import { recoverManifestDrift } from "../recovery/sweep.ts";
import type { Branch } from "../storage/types.ts";
import { bumpingPublishOptions, recoverUnderLease } from "./commit-section.ts";

/** Whether recovery ran on the bound branch; false when a live committer held its lease. */
export async function recoverIfLeaseFree(env: Env, coordinator: Coordinator, who: string): Promise<boolean> {
  const lease = await tryAcquireLease(env, branchLeaseResource(coordinator.branch), leaseOwnerId(env, who));
  if (!lease) return false;
  const seen = new Set<Branch>();
  try {
    await recoverUnderLease(env, coordinator, lease, coordinator.branch, seen);
  } finally {
    await releaseLease(env, lease);
  }
  const others = [...seen].filter((b) => b !== coordinator.branch).sort(byName);
  for (const branch of others) await recoverBranchIfLeaseFree(env, coordinator, who, branch);
  return true;
}

async function recoverBranchIfLeaseFree(env: Env, coordinator: Coordinator, who: string, branch: Branch): Promise<void> {
  let lease: Lease | null;
  try {
    lease = await tryAcquireLease(env, branchLeaseResource(branch), leaseOwnerId(env, who));
  } catch (e) {
    if (!isOmniError(e, "BranchNotFound")) throw e;
    // Nobody commits on a deleted branch (its delete waited for the branch's lease): its sidecars
    // are orphans. Their lease went with the branch, so main's stands in for it: two processes
    // opening at once discarded one orphan twice, auditing it twice (`random-workload-branches`
    // on `fixed`, portfolio seed 384); one that finds main's lease held leaves them to its holder's
    // process or the next open.
    const main = await tryAcquireLease(env, branchLeaseResource(null), leaseOwnerId(env, who));
    if (!main) return;
    try {
      await recoverManifestDrift(env, coordinator, { kind: "Noop" }, bumpingPublishOptions(env, main), undefined, branch);
    } finally {
      await releaseLease(env, main);
    }
    return;
  }
  if (!lease) return;
  try {
    await recoverManifestDrift(env, coordinator, { kind: "Noop" }, bumpingPublishOptions(env, lease), undefined, branch);
  } finally {
    await releaseLease(env, lease);
  }
}

const byName = (a: Branch, b: Branch) => ((a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0);
