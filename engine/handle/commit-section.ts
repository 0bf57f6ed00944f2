// The commit critical section every committer enters before its sidecar and leaves after
// deleting it. At the seed: the per-table write queues of its handle (plus the branch gate
// under `readSetToken`). Under `ownerLease`: the branch lease instead, held across processes;
// holding it, the committer first recovers whatever dead committers left behind (it may restore,
// as nobody else can be committing), and clears a schema-apply lock whose apply died.
import type { Env } from "../env.ts";
import type { Handle } from "./handle.ts";
import type { Coordinator } from "../manifest/coordinator.ts";
import { reloadSchemaIfSourceChanged } from "./heal.ts";
import { acquireLease, branchLeaseResource, fenceRow, type Lease, leaseOwnerId, LEASE_TTL_MS, releaseLease } from "../lease/lease.ts";
import type { SidecarOwner } from "../recovery/sidecar.ts";
import { leaseGuardsCommits } from "../lease/owner-lease.ts";
import { SCHEMA_APPLY_LOCK_BRANCH } from "../manifest/layout.ts";
import { schemaApplyLocked } from "../manifest/schema-apply-lock.ts";
import type { PublishOptions } from "../manifest/publisher.ts";
import { graphHeadObjectId } from "../manifest/snapshot.ts";
import { mainSnapshot, recoverManifestDrift } from "../recovery/sweep.ts";
import { promotedForSchemaApply, recoverSchemaStateFiles } from "../recovery/schema-state-files.ts";
import type { Branch, ManifestRow } from "../storage/types.ts";
import { branchGateKey, queueIdOf, type QueueKey } from "../sync/write-queue.ts";
import type { Release } from "../sync/mutex.ts";
import { readSetToken } from "./read-set-token.ts";

export interface CommitSection {
  readonly branch: Branch;
  /** The branch lease, under `ownerLease`. */
  readonly lease: Lease | null;
  /** Whether entering recovered a dead committer's work (durable state moved). */
  readonly recovered: boolean;
  /**
   * Whether that recovery promoted a schema apply's staged contract: a write that validated
   * against the contract before it entered planned on a schema that is no longer the graph's.
   */
  readonly schemaPromoted: boolean;
  exit(): Promise<void>;
}

/** The sidecar's record of its owner's lease (absent without one). */
export function sidecarOwner(env: Handle["env"], section: CommitSection): { owner?: SidecarOwner } {
  return section.lease ? { owner: { process: section.lease.owner, lease_until_ms: env.clock.now() + LEASE_TTL_MS } } : {};
}

/** Write queues a caller took before its commit section (the fork path's up-front keys). */
export interface HeldQueues {
  readonly keys: readonly QueueKey[];
  readonly release: Release;
}

export async function enterCommitSection(h: Handle, branch: Branch, keys: readonly QueueKey[], held: HeldQueues | null = null): Promise<CommitSection> {
  const env = h.env;
  if (leaseGuardsCommits(env)) {
    let lease: Lease;
    let recovered: LeaseRecovery;
    try {
      lease = await acquireLease(env, branchLeaseResource(branch), leaseOwnerId(env, h.id));
    } catch (e) {
      held?.release();
      throw e;
    }
    try {
      recovered = await recoverUnderLease(env, h.coordinator, lease, branch);
      if (recovered.moved) await reloadSchemaIfSourceChanged(h);
    } catch (e) {
      await releaseLease(env, lease);
      held?.release();
      throw e;
    }
    return {
      branch,
      lease,
      recovered: recovered.moved,
      schemaPromoted: recovered.schemaPromoted,
      exit: async () => {
        await releaseLease(env, lease);
        held?.release();
      },
    };
  }
  const all = readSetToken(env) ? [...keys, branchGateKey(branch)] : keys;
  // Keys the caller already holds are not taken again (the queues are not re-entrant); every
  // other key still is, so the section covers each table it commits.
  const heldIds = new Set((held?.keys ?? []).map(queueIdOf));
  const release = await h.queues.acquireMany(env, all.filter((k) => !heldIds.has(queueIdOf(k))));
  return {
    branch,
    lease: null,
    recovered: false,
    schemaPromoted: false,
    exit: async () => {
      release();
      held?.release();
    },
  };
}

/**
 * Holding `branch`'s lease, every sidecar of that branch belongs to a dead or expired committer:
 * recover them all (restoring if need be); and holding main's, a schema-apply lock left behind
 * is a dead apply's. Returns whether durable state moved.
 */
/** What a recovery under a lease did: moved durable state, and promoted a staged schema. */
export interface LeaseRecovery {
  readonly moved: boolean;
  readonly schemaPromoted: boolean;
}

export async function recoverUnderLease(env: Env, coordinator: Coordinator, lease: Lease, branch: Branch = coordinator.branch, seen?: Set<Branch>): Promise<LeaseRecovery> {
  const schema = await recoverSchemaStateFiles(env, await mainSnapshot(env, coordinator, "lock"));
  // The lease is `branch`'s: a sidecar of another branch may be a live committer's there.
  const outcomes = await recoverManifestDrift(env, coordinator, schema, bumpingPublishOptions(env, lease), undefined, branch, seen);
  const moved = outcomes.length > 0 || schema.kind !== "Noop";
  if (branch === null && (await schemaApplyLocked(env))) await env.storage.manifest.deleteBranch(SCHEMA_APPLY_LOCK_BRANCH);
  return { moved, schemaPromoted: promotedForSchemaApply(schema) };
}

/** A fresh head token row (`readSetToken`): logical publishes invalidate every validation. */
function headRow(env: Env, branch: Branch): ManifestRow {
  return { objectId: graphHeadObjectId(branch), objectType: "graph_head", tableKey: null, metadata: env.ids.ulid() };
}

/**
 * What a logical publish adds to its merge: the new head token (with the check that the token
 * it validated against is still current) and, under a lease, the lease fence.
 */
export function logicalPublishOptions(h: Handle, section: CommitSection, validatedToken: string | null): PublishOptions {
  const base = bumpingPublishOptions(h.env, section.lease);
  return readSetToken(h.env) ? { ...base, expectedHeadToken: validatedToken } : base;
}

/**
 * Publishes that change logical content without a validated read set (recovery, schema apply)
 * still move the head token, so every concurrent validation is voided.
 */
export function bumpingPublishOptions(env: Env, lease: Lease | null): PublishOptions {
  if (!readSetToken(env) && !lease) return {};
  return {
    extraRows: (state) => [...(lease ? [fenceRow(env, state, lease)] : []), ...(readSetToken(env) ? [headRow(env, state.branch)] : [])],
  };
}

/** Maintenance publishes keep the head token (content-preserving) but are fenced. */
export function maintenancePublishOptions(h: Handle, section: CommitSection): PublishOptions {
  const lease = section.lease;
  return lease ? { extraRows: (state) => [fenceRow(h.env, state, lease)] } : {};
}
