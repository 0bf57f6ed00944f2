// Leases on `__manifest` (the `ownerLease` fix). A lease is one manifest row (on the leased
// branch's own manifest), taken and given
// back by merge-insert with row-level compare-and-swap, so two processes can never both hold
// it. It carries its owner and an expiry judged on the clock: a crashed owner's lease runs out,
// and whoever takes it next may recover that owner's intent. Upstream planned this as the
// writer-epoch fence across processes (RFC-013 section 6.5); the seed has nothing like it.
import type { Env } from "../env.ts";
import { isOmniError, OmniError } from "../errors.ts";
import { isStorageError } from "../storage/errors.ts";
import { memoOnRows } from "../manifest/rows-memo.ts";
import { loadBranchManifest } from "../manifest/branch-manifest.ts";
import { leaseThroughFaults } from "./lease-through-faults.ts";
import type { Branch, ManifestRow, ManifestSnapshot } from "../storage/types.ts";

/** How long a lease lasts without renewal. Far longer than any operation's own steps. */
export const LEASE_TTL_MS = 30_000;
/** How often a waiting writer looks again. */
export const LEASE_POLL_MS = 25;

export interface Lease {
  readonly resource: string;
  readonly owner: string;
  /**
   * The manifest version (of the leased branch) whose merge took the lease: a read of an older
   * version is stale (a storage fault), and cannot tell whether the lease is still ours.
   */
  readonly takenAt?: number;
}

interface LeaseState {
  readonly owner: string | null;
  readonly untilMs: number;
}

/** A lease owner id: unique per acquisition, naming its holder for readers of the trace. */
export function leaseOwnerId(env: Env, who: string): string {
  return `${who}/${env.ids.ulid()}`;
}

export function leaseObjectId(resource: string): string {
  return `lease:${resource}`;
}

/** The branch lease every committer of `branch` holds. */
export function branchLeaseResource(branch: string | null): string {
  return `branch:${branch ?? "main"}`;
}

/**
 * The manifest branch a lease row lives on: the leased branch's own, so the publisher's fence
 * and the publish it guards are one merge on that branch (a branch's lease goes with it).
 */
function leaseBranch(resource: string): Branch {
  const name = resource.startsWith("branch:") ? resource.slice("branch:".length) : "main";
  return name === "main" ? null : name;
}

/** A branch deleted between the lease's read and its merge: BranchNotFound. */
function goneWithBranch(branch: Branch, e: unknown): void {
  if (branch !== null && isStorageError(e, "NotFound")) throw new OmniError("BranchNotFound", { branch }, `branch '${branch}' not found`, { cause: e });
}

/** The leased branch's manifest; a deleted branch is BranchNotFound. */
function loadLeaseManifest(env: Env, resource: string): Promise<ManifestSnapshot> {
  return loadBranchManifest(env, leaseBranch(resource));
}

export function leaseRow(resource: string, state: LeaseState): ManifestRow {
  return { objectId: leaseObjectId(resource), objectType: "lease", tableKey: null, metadata: JSON.stringify(state) };
}

const FREE: LeaseState = Object.freeze({ owner: null, untilMs: 0 });

/** Parsed lease states by row: a row object lives on unchanged through later versions. */
const parsed = new WeakMap<ManifestRow, LeaseState>();

function parse(row: ManifestRow): LeaseState {
  let state = parsed.get(row);
  if (state === undefined) {
    state = row.metadata ? Object.freeze(JSON.parse(row.metadata) as LeaseState) : FREE;
    parsed.set(row, state);
  }
  return state;
}

/** Every lease of one manifest version, by object id (few rows are leases: one scan per version). */
const leasesMemo = new WeakMap<readonly ManifestRow[], ReadonlyMap<string, LeaseState>>();

function leasesOf(rows: readonly ManifestRow[]): ReadonlyMap<string, LeaseState> {
  const out = new Map<string, LeaseState>();
  // Indexed, not for-of: a version's rows are a frozen array, and Node 20 allocates an iterator
  // result per element of a frozen array (it does not for a plain one).
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.objectType === "lease") out.set(r.objectId, parse(r));
  }
  return out;
}

function stateIn(rows: readonly ManifestRow[], resource: string): LeaseState {
  return memoOnRows(leasesMemo, rows, leasesOf).get(leaseObjectId(resource)) ?? FREE;
}

/** Who holds `resource` at `nowMs`, if anyone (an expired lease is held by no one). */
export function liveHolder(snapshot: ManifestSnapshot, resource: string, nowMs: number): string | null {
  const s = stateIn(snapshot.rows, resource);
  return s.owner !== null && s.untilMs > nowMs ? s.owner : null;
}

/** One attempt: the lease if it was free (or expired, or already ours), else null. */
export async function tryAcquireLease(env: Env, resource: string, owner: string): Promise<Lease | null> {
  for (;;) {
    const state = await loadLeaseManifest(env, resource);
    const holder = liveHolder(state, resource, env.clock.now());
    if (holder !== null && holder !== owner) return null;
    try {
      const takenAt = await env.storage.manifest.merge(state.branch, state.version, [leaseRow(resource, { owner, untilMs: env.clock.now() + LEASE_TTL_MS })]);
      return { resource, owner, takenAt };
    } catch (e) {
      goneWithBranch(state.branch, e);
      // Someone merged the lease row since we read it: look again.
      if (!isStorageError(e, "TooMuchWriteContention")) {
        // Any other failure may have lost only the response: the lease may be ours now, and
        // nobody would give it back before it runs out (`leaseThroughFaults`: give it back). Had
        // the merge taken effect it made a version past the one read, so a read no newer than
        // that is stale or shows the merge did not land: the release looks again before going.
        if (isStorageError(e) && leaseThroughFaults(env)) await releaseLease(env, { resource, owner, takenAt: state.version + 1 }).catch(() => undefined);
        throw e;
      }
    }
  }
}

/** Waits (polling on the world's clock) until the lease is ours. */
export async function acquireLease(env: Env, resource: string, owner: string): Promise<Lease> {
  for (;;) {
    const lease = await tryAcquireLease(env, resource, owner);
    if (lease) return lease;
    await env.world.sleep(LEASE_POLL_MS);
  }
}

/** Storage failures (other than contention) a release tries through before giving up. */
export const RELEASE_ATTEMPTS = 3;

/**
 * Gives the lease back, if it is still ours (a deleted branch's lease went with it). Under
 * `leaseThroughFaults` a storage failure, or a read older than the lease's own merge, is tried
 * again, up to `RELEASE_ATTEMPTS` in all: a lease nobody gives back holds every other committer
 * off until it runs out.
 */
export async function releaseLease(env: Env, lease: Lease): Promise<void> {
  const attempts = leaseThroughFaults(env) ? RELEASE_ATTEMPTS : 1;
  for (let failures = 0; ; ) {
    let outcome: "released" | "again" | "stale";
    try {
      outcome = await releaseOnce(env, lease);
    } catch (e) {
      if (!isStorageError(e) || ++failures >= attempts) throw e;
      continue;
    }
    if (outcome === "released" || (outcome === "stale" && ++failures >= attempts)) return;
  }
}

/** One attempt: released (the lease is no longer ours), again (a racing merge), or stale (a read from before the lease was taken). */
async function releaseOnce(env: Env, lease: Lease): Promise<"released" | "again" | "stale"> {
  let state: ManifestSnapshot;
  try {
    state = await loadLeaseManifest(env, lease.resource);
  } catch (e) {
    if (isOmniError(e, "BranchNotFound")) return "released";
    throw e;
  }
  if (leaseThroughFaults(env) && lease.takenAt !== undefined && state.version < lease.takenAt) return "stale";
  if (stateIn(state.rows, lease.resource).owner !== lease.owner) return "released";
  try {
    await env.storage.manifest.merge(state.branch, state.version, [leaseRow(lease.resource, { owner: null, untilMs: 0 })]);
    return "released";
  } catch (e) {
    if (state.branch !== null && isStorageError(e, "NotFound")) return "released";
    if (!isStorageError(e, "TooMuchWriteContention")) throw e;
    return "again";
  }
}

/**
 * The publisher's fence: the lease must still be ours when we publish, and re-asserting it in
 * the same merge makes a takeover between the check and the commit a CAS conflict.
 */
export function fenceRow(env: Env, state: ManifestSnapshot, lease: Lease): ManifestRow {
  const holder = liveHolder(state, lease.resource, env.clock.now());
  if (holder !== lease.owner) {
    throw new OmniError("LeaseLost", { resource: lease.resource }, `lease on ${lease.resource} expired or was taken over before the publish`);
  }
  return leaseRow(lease.resource, { owner: lease.owner, untilMs: env.clock.now() + LEASE_TTL_MS });
}
