// F15 (`ownInitClaimRelease`, engine/graph/own-init-claim-release.ts): an init releases the root
// init claim only if the claim still names its own attempt. Upstream's release deletes blind
// (`best_effort_release_init_claim`, omnigraph.rs at 62a9c3fe), and so does `fixed` without the
// flag: each test below is red with the flag off.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { INIT_CLAIM_FILE } from "../../engine/graph/fix502.ts";
import { parseClaim } from "../../engine/graph/init-takeover.ts";
import { LEASE_TTL_MS } from "../../engine/lease/lease.ts";
import { SCHEMA_IR_FILE } from "../../engine/schema/contract.ts";
import { FP } from "../../failpoints/catalog.ts";
import { objectCall, strike } from "../../sim/faults/scripted.ts";
import type { World } from "../../sim/world.ts";
import { startProcess } from "./support.ts";
import { ended, fixedWith, observed } from "./observe.ts";

/** The attempt the root's claim names, "unnamed", or "none" when there is no claim. */
async function claimAt(w: World): Promise<string> {
  if (!(await w.storage.objects.exists(INIT_CLAIM_FILE))) return "none";
  return parseClaim(await w.storage.objects.get(INIT_CLAIM_FILE))?.attempt_id ?? "unnamed";
}

test("a misdirected claim create reports success over another init's claim; its failed begin leaves that claim with the flag, deletes it without", async () => {
  const run = (on: boolean) =>
    observed(fixedWith({ ownInitClaimRelease: on }), async (w) => {
      // A live init's claim, as its create-if-absent left it (its lease still runs).
      await w.storage.objects.putIfAbsent(INIT_CLAIM_FILE, JSON.stringify({ version: 1, attempt_id: "other-init", until_ms: w.clock.now() + LEASE_TTL_MS }));
      // The second init's create lands under a sibling name and answers true; its read-back
      // (`verifySchemaFiles`) finds the other's claim and fails the init in `begin`.
      strike(w, "misdirected", objectCall("objects.putIfAbsent", (k) => k === INIT_CLAIM_FILE));
      const init = await ended(startProcess(w, "second").init());
      return `init ${init}; claim ${await claimAt(w)}`;
    });
  expect(await run(false)).toBe("init StorageFailure; claim none");
  expect(await run(true)).toBe("init StorageFailure; claim other-init");
});

test("an init paused past its claim's lease and taken over fails later without deleting its successor's claim (with the flag)", async () => {
  const run = (on: boolean) =>
    observed(fixedWith({ ownInitClaimRelease: on }), async (w) => {
      const [a, b] = [startProcess(w, "a"), startProcess(w, "b")];
      // Each init is held up at its IR put for two leases: the first's claim runs out while it
      // waits, and the second, which took it over, is still mid-init when the first resumes.
      const irPut = objectCall("objects.put", (k) => k === SCHEMA_IR_FILE);
      strike(w, "latency", irPut, { delayMs: 2 * LEASE_TTL_MS, times: 2 });
      // The first, resumed, fails in its schema phase: its cleanup and its release run.
      w.failpoints.set(FP.INIT_AFTER_SCHEMA_CONTRACT_WRITTEN, { kind: "error", times: 1 });
      let seen = "";
      const first = a.spawn("a", async () => {
        const init = await ended(a.init());
        seen = `first ${init}; claim after it ${await claimAt(w)}`;
      });
      const second = b.spawn("b", async () => {
        await w.sleep(LEASE_TTL_MS + 1_000);
        await ended(b.init());
      });
      await w.join(first, second);
      return seen;
    });
  // The successor's claim: named for its own attempt, an id the seeded sequence gives.
  expect(await run(false)).toBe("first InjectedFailure; claim after it none");
  expect(await run(true)).toMatch(/^first InjectedFailure; claim after it (?!none|unnamed)\S+$/);
});

test("a release leaves its own claim once less than half its lease is left (a takeover may be under way); a later init takes it over", async () => {
  const run = (on: boolean, delayMs: number) =>
    observed(fixedWith({ ownInitClaimRelease: on }), async (w) => {
      strike(w, "latency", objectCall("objects.put", (k) => k === SCHEMA_IR_FILE), { delayMs });
      w.failpoints.set(FP.INIT_AFTER_SCHEMA_CONTRACT_WRITTEN, { kind: "error", times: 1 });
      const first = await ended(startProcess(w, "first").init());
      const left = (await claimAt(w)) === "none" ? "released" : "kept";
      await w.sleep(LEASE_TTL_MS);
      return `first ${first}, claim ${left}; later init ${await ended(startProcess(w, "later").init())}`;
    });
  expect(await run(true, 1_000)).toBe("first InjectedFailure, claim released; later init ok");
  expect(await run(true, 20_000)).toBe("first InjectedFailure, claim kept; later init ok");
  expect(await run(false, 20_000)).toBe("first InjectedFailure, claim released; later init ok");
});

test("an init's own torn claim is released with the flag too, as the one winner of its takeover marker (left to the takers, a taker failing part way bricked the root: dead-init-bricks-root seed 95, --faults all)", async () => {
  for (const param of [0, 1, 2, 3]) {
    const seen = await observed(PROFILES.fixed, async (w) => {
      strike(w, "torn", objectCall("objects.putIfAbsent", (k) => k === INIT_CLAIM_FILE), { param });
      const init = await ended(startProcess(w, "torn").init());
      // A torn claim has no lease to read: the release deletes it only as its takeover's one winner.
      const markers = (await w.storage.objects.list("__init_takeover_")).length;
      return `init ${init}; claim ${await claimAt(w)}; takeover markers ${markers}`;
    });
    expect(seen).toBe("init StorageFailure; claim none; takeover markers 1");
  }
});
