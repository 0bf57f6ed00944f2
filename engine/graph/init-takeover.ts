// The one home of the `initTakeover` flag (engine/fixes.ts), a design of omnisim's: an init that
// died before its `__manifest` Create leaves the root's init claim and its orphan schema files,
// and with #502 (`fix502`) no later init may enter: the strict preflight refuses the schema
// files (`AlreadyInitialized`), the claim refuses everyone (`InitializationClaimed`), and no open
// finds a manifest. Upstream (`62a9c3fe`, omnigraph.rs `init_with_storage`, error.rs
// `InitializationClaimed`) documents that an operator must quiesce every initializer and remove
// the claim by hand, because a claim cannot tell a live initializer from a dead one.
//
// With the flag the claim carries a lease (`until_ms`, judged on the world's clock, like the
// branch lease of `ownerLease`): an init refused by a claim whose lease ran out, on a root with no
// manifest and none of the datasets it would create, takes the dead attempt over. One taker per
// dead attempt wins a create-if-absent marker named for that attempt (markers are never deleted,
// so a slow taker can never delete a later claim); the winner deletes the orphan schema files,
// then the stale claim, and init starts again from its preflight. A dead init that had begun
// creating datasets is not taken over (its outcome is unknown): the root stays refused.
import type { Env } from "../env.ts";
import { LEASE_TTL_MS } from "../lease/lease.ts";
import { catalogTableKeys, tablePathForTableKey, type Catalog } from "../schema/catalog.ts";
import { SCHEMA_CONTRACT_FILES } from "../schema/contract.ts";
import { isStorageError } from "../storage/errors.ts";
import { deleteConfirmed } from "../storage/confirmed-delete.ts";
import { verifySchemaFiles } from "../schema-state/verify-schema-files.ts";
import { fnv1a64Hex } from "../util/hash.ts";

/** What the claim records beside its attempt id: the lease, when the flag is on. */
export function initClaimLease(env: Env): { until_ms?: number } {
  return env.fixes.initTakeover ? { until_ms: env.clock.now() + LEASE_TTL_MS } : {};
}

export interface ClaimOnDisk {
  readonly attempt_id: string;
  readonly until_ms?: number;
}

/** A claim as written, or null if it does not parse (a storage fault tore it). */
export function parseClaim(text: string): ClaimOnDisk | null {
  try {
    const c = JSON.parse(text) as Partial<ClaimOnDisk>;
    return typeof c.attempt_id === "string" ? { attempt_id: c.attempt_id, ...(typeof c.until_ms === "number" ? { until_ms: c.until_ms } : {}) } : null;
  } catch {
    return null;
  }
}

/** The attempt id a takeover gives a claim that does not parse (a storage fault tore it): named for its text. */
export function unreadableClaimAttempt(text: string): string {
  return `unreadable-${fnv1a64Hex(text)}`;
}

/** The create-if-absent marker whose one winner may delete the claim of attempt `attemptId`. */
export function takeoverMarker(attemptId: string): string {
  return `__init_takeover_${attemptId}.json`;
}

/** Attempts at a takeover marker's create before its outcome is given up as unknown. */
const MARKER_ATTEMPTS = 5;

/**
 * Whether attempt `attemptId` wins the create-if-absent `marker`. A create that failed may have
 * taken effect with its answer lost: the marker read back names the winner, and a read that fails
 * is tried again, as is a create the read shows never landed (a won marker nobody knows of would
 * leave the dead claim to no one: `init-cleanup-deletes-graph` seed 886 with `--faults all` on
 * `fixed`, an `ack-loss` on the create, then an `error` on the one read).
 */
export async function winTakeoverMarker(env: Env, marker: string, attemptId: string): Promise<boolean> {
  const body = JSON.stringify({ version: 1, attempt_id: attemptId });
  // Every outcome is read back: a create that answered true may have landed elsewhere
  // (misdirected: two winners would undo each other's work, seed 221), one that failed may have
  // landed with its answer lost (seed 886), and one that answered false may have met this
  // attempt's own earlier create, which a stale read hid (seed 990). A create that answered true
  // and reads back torn is this attempt's (only one create lands).
  let answered = false;
  for (let attempt = 1; attempt <= MARKER_ATTEMPTS; attempt++) {
    try {
      if (await env.storage.objects.putIfAbsent(marker, body)) answered = true;
    } catch (e) {
      if (!isStorageError(e)) throw e;
    }
    for (; attempt <= MARKER_ATTEMPTS; attempt++) {
      try {
        const read = await env.storage.objects.get(marker);
        return read === body || (answered && body.startsWith(read));
      } catch (e) {
        if (!isStorageError(e)) throw e;
        if (isStorageError(e, "NotFound")) break; // not landed, or hidden: create again
      }
    }
  }
  return false;
}

/**
 * After an init was refused: whether it took a dead attempt's root over (then init may start
 * again). False, touching nothing, without the flag, on a root with a manifest, with no claim or
 * a live one, or where a dataset the init would create already exists.
 */
export async function takeOverDeadInit(env: Env, claimFile: string, catalog: () => Catalog): Promise<boolean> {
  if (!env.fixes.initTakeover) return false;
  if (await env.storage.manifest.exists()) return false;
  let text: string;
  try {
    text = await env.storage.objects.get(claimFile);
  } catch (e) {
    if (isStorageError(e, "NotFound")) return false;
    throw e;
  }
  // A claim that does not parse was torn by storage: under `verifySchemaFiles` its init read it
  // back and failed (or will), so it is dead; the marker is named for its text.
  const claim = parseClaim(text) ?? (verifySchemaFiles(env) ? { attempt_id: unreadableClaimAttempt(text), until_ms: 0 } : null);
  if (!claim || claim.until_ms === undefined || claim.until_ms >= env.clock.now()) return false;
  for (const tableKey of catalogTableKeys(catalog())) {
    if (await env.storage.datasets.exists(tablePathForTableKey(tableKey))) return false;
  }
  const attemptId = env.ids.ulid();
  // The marker's one winner alone clears the root, so each delete is confirmed by a read (a lost
  // one would leave an orphan schema file with no claim, or the dead claim for good); a schema
  // file that may remain keeps the claim, which still names the dead attempt.
  const clear = async () => {
    for (const file of SCHEMA_CONTRACT_FILES) if (!(await deleteConfirmed(env, file))) return false;
    return deleteConfirmed(env, claimFile, text);
  };
  if (parseClaim(text) === null) return clearTornClaim(env, claimFile, text, attemptId, clear);
  if (!(await winTakeoverMarker(env, takeoverMarker(claim.attempt_id), attemptId))) return false;
  return clear();
}

/** How many torn claims of one text, one after another, a root can be cleared of. */
const TORN_GENERATIONS = 8;

/** The record a torn claim's marker winner leaves once it is done: the next claim torn to the same text takes the next marker. */
export function tornClaimCleared(marker: string): string {
  return `__init_cleared_${marker.slice("__init_takeover_".length)}`;
}

/**
 * Clears a torn claim reading `text` (by `clear`, which deletes it last) as the one winner of its
 * takeover marker. A torn claim short enough to name no attempt (a quarter of it, or nothing)
 * reads the same for every attempt, so one marker per text would be spent by the first such claim
 * and the next, torn to the same text, deleted by no one (`dead-init-bricks-root` seed 1173 with
 * `--faults all` on `fixed`). So markers come in generations: the winner of one re-reads the claim
 * (a later claim may stand there now: it is left), clears it, and records that it is done; a
 * loser moves to the next generation only past such a record (else the winner is still at work).
 * One winner at a time may delete a claim reading `text`, so the re-read cannot go stale before
 * its delete: only a delete removes a claim, and only that winner deletes this one.
 */
export async function clearTornClaim(env: Env, claimFile: string, text: string, attemptId: string, clear: () => Promise<boolean>): Promise<boolean> {
  const base = unreadableClaimAttempt(text);
  for (let gen = 0; gen < TORN_GENERATIONS; gen++) {
    const marker = takeoverMarker(gen === 0 ? base : `${base}-${gen}`);
    if (await winTakeoverMarker(env, marker, attemptId)) {
      // The won marker is this winner's alone to act on: a failed read is tried again (seed 326:
      // an error on the one re-read left the claim to no one).
      const now = await readAgain(env, claimFile);
      if (now === undefined) return false;
      const cleared = now === text ? await clear() : false;
      if (now !== text || cleared) await recordCleared(env, marker);
      return cleared;
    }
    if (!(await env.storage.objects.exists(tornClaimCleared(marker)))) return false;
  }
  return false;
}

/** The object at `key` (null if none), read again on a storage failure; undefined if no read answered. */
async function readAgain(env: Env, key: string): Promise<string | null | undefined> {
  for (let attempt = 1; attempt <= MARKER_ATTEMPTS; attempt++) {
    try {
      return await env.storage.objects.get(key);
    } catch (e) {
      if (isStorageError(e, "NotFound")) return null;
      if (!isStorageError(e)) throw e;
    }
  }
  return undefined;
}

/** The record, tried again on a failed put (a put of the same body is idempotent). */
async function recordCleared(env: Env, marker: string): Promise<void> {
  for (let attempt = 1; attempt <= MARKER_ATTEMPTS; attempt++) {
    try {
      return await env.storage.objects.put(tornClaimCleared(marker), "{}");
    } catch (e) {
      if (!isStorageError(e)) throw e;
    }
  }
}

/**
 * Init's cleanup of its schema files under `initTakeover` (null without the flag): each delete is
 * confirmed, and whether all are gone is returned, so a file that may remain keeps the root
 * claim (fix502.ts) and the claim's lease runs out for a takeover to clear both; released with
 * a file left behind, no claim would name the orphan and the strict preflight would refuse
 * every init.
 */
export async function cleanupInitArtifactsConfirmed(env: Env): Promise<boolean | null> {
  if (!env.fixes.initTakeover) return null;
  let gone = true;
  for (const file of SCHEMA_CONTRACT_FILES) if (!(await deleteConfirmed(env, file))) gone = false;
  return gone;
}
