// Deletes that init's root depends on are confirmed by a read (engine/storage/confirmed-delete.ts):
// a `lost` delete (acknowledged, never durable) or a failed one of a schema file in init's
// cleanup, of a dead attempt's files in a takeover, or of a torn claim whose takeover marker the
// release won, left the root refusing every init for good (the faults hunt on `fixed`:
// `init-cleanup-deletes-graph` seed 566, `dead-init-bricks-root` seed 626). So is a takeover
// marker's create whose answer was lost: read back until a read answers (seed 886).
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { INIT_CLAIM_FILE } from "../../engine/graph/fix502.ts";
import { CONFIRMED_DELETE_ATTEMPTS } from "../../engine/storage/confirmed-delete.ts";
import { LEASE_TTL_MS } from "../../engine/lease/lease.ts";
import { SCHEMA_SOURCE_FILE } from "../../engine/schema/contract.ts";
import { FP } from "../../failpoints/catalog.ts";
import type { StorageFaultKind } from "../../sim/faults/kinds.ts";
import { objectCall, strike } from "../../sim/faults/scripted.ts";
import type { StorageCall } from "../../sim/storage-calls.ts";
import type { World } from "../../sim/world.ts";
import { startProcess } from "./support.ts";
import { ended, observed as observedWith } from "./observe.ts";

const observed = <T>(observe: (w: World) => Promise<T>): Promise<T> => observedWith(PROFILES.fixed, observe);

async function present(w: World, key: string): Promise<string> {
  return (await w.storage.objects.exists(key)) ? "kept" : "gone";
}

/** Scripted faults struck in turn: each strike's first match installs the next (one scripted layer holds one kind). */
function strikeInTurn(w: World, turns: readonly { kind: StorageFaultKind; matches: (call: StorageCall) => boolean; param?: number }[]): void {
  const install = (i: number): void => {
    const t = turns[i];
    if (!t) return;
    let next = true;
    strike(w, t.kind, (call) => {
      const hit = t.matches(call);
      if (hit && next) {
        next = false;
        install(i + 1);
      }
      return hit;
    }, { param: t.param ?? 0 });
  };
  install(0);
}

const schemaPgDelete = objectCall("objects.delete", (k) => k === SCHEMA_SOURCE_FILE);

test("a lost delete of _schema.pg in init's cleanup is tried again; past every attempt the claim stays, and after its lease a later init takes the root over (seed 566)", async () => {
  const run = (lost: number) =>
    observed(async (w) => {
      w.failpoints.set(FP.INIT_AFTER_SCHEMA_PG_WRITTEN, { kind: "error", times: 1 });
      strike(w, "lost", schemaPgDelete, { times: lost });
      const first = await ended(startProcess(w, "first").init());
      const after = `schema ${await present(w, SCHEMA_SOURCE_FILE)}, claim ${await present(w, INIT_CLAIM_FILE)}`;
      await w.sleep(LEASE_TTL_MS + 1);
      return `first ${first}: ${after}; later init ${await ended(startProcess(w, "later").init())}`;
    });
  // Before the fix: "schema kept, claim gone; later init AlreadyInitialized".
  expect(await run(1)).toBe("first InjectedFailure: schema gone, claim gone; later init ok");
  expect(await run(CONFIRMED_DELETE_ATTEMPTS)).toBe("first InjectedFailure: schema kept, claim kept; later init ok");
});

test("a takeover's lost delete of the dead attempt's _schema.pg is tried again before the claim goes", async () => {
  const seen = await observed(async (w) => {
    w.failpoints.set(FP.INIT_AFTER_SCHEMA_PG_WRITTEN, { kind: "error", times: 1 });
    strike(w, "lost", schemaPgDelete, { times: CONFIRMED_DELETE_ATTEMPTS });
    await ended(startProcess(w, "dead").init());
    await w.sleep(LEASE_TTL_MS + 1);
    // The taker's first delete of the orphan is lost too.
    strike(w, "lost", schemaPgDelete);
    return `taker ${await ended(startProcess(w, "taker").init())}`;
  });
  // Before the fix: the claim went with the orphan left, and the taker's retry met AlreadyInitialized.
  expect(seen).toBe("taker ok");
});

test("a torn claim's release that won its marker confirms its delete: an error, then a lost delete, still leave the root to a later init (seed 626)", async () => {
  const seen = await observed(async (w) => {
    const claimDelete = objectCall("objects.delete", (k) => k === INIT_CLAIM_FILE);
    strikeInTurn(w, [
      { kind: "torn", matches: objectCall("objects.putIfAbsent", (k) => k === INIT_CLAIM_FILE), param: 2 },
      { kind: "error", matches: claimDelete },
      { kind: "lost", matches: claimDelete },
    ]);
    const torn = await ended(startProcess(w, "torn").init());
    const claim = await present(w, INIT_CLAIM_FILE);
    return `init ${torn}; claim ${claim}; later init ${await ended(startProcess(w, "later").init())}`;
  });
  // Before the fix: "claim kept; later init InitializationClaimed" (its marker already won).
  expect(seen).toBe("init StorageFailure; claim gone; later init ok");
});

test("a torn claim's release whose marker create lost its answer reads the marker back until a read answers (seed 886)", async () => {
  const seen = await observed(async (w) => {
    const marker = (call: StorageCall) => (call.object?.key ?? call.subject).startsWith("__init_takeover_");
    strikeInTurn(w, [
      { kind: "torn", matches: objectCall("objects.putIfAbsent", (k) => k === INIT_CLAIM_FILE), param: 1 },
      { kind: "ack-loss", matches: (call) => call.op === "objects.putIfAbsent" && marker(call) },
      { kind: "error", matches: (call) => call.op === "objects.get" && marker(call) },
    ]);
    const torn = await ended(startProcess(w, "torn").init());
    const claim = await present(w, INIT_CLAIM_FILE);
    return `init ${torn}; claim ${claim}; later init ${await ended(startProcess(w, "later").init())}`;
  });
  // Before the fix: "claim kept; later init InitializationClaimed" (a marker won by nobody who knew).
  expect(seen).toBe("init StorageFailure; claim gone; later init ok");
});
