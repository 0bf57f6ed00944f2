// The fixes for what the storage fault plans found (docs/fixes.md, "Found by storage faults"),
// and with them a planted-defect test per fault kind: for each kind a small situation in which
// the fault strikes one chosen call (sim/faults/scripted.ts), run on `fixed` and on
// `fixed` with the engine's handling of that fault taken out (its flag off). The handled run
// survives the fault; the planted defect goes red with the fault's symptom.
import { expect, test } from "vitest";
import type { Fixes } from "../../engine/fixes.ts";
import { branchLeaseResource, LEASE_TTL_MS, leaseOwnerId, liveHolder, releaseLease, tryAcquireLease } from "../../engine/lease/lease.ts";
import { RECOVERY_DIR } from "../../engine/manifest/layout.ts";
import { SCHEMA_IR_FILE, SCHEMA_SOURCE_FILE, stagingName } from "../../engine/schema/contract.ts";
import { FP } from "../../failpoints/catalog.ts";
import type { StorageFaultKind } from "../../sim/faults/kinds.ts";
import type { StorageCall } from "../../sim/storage-calls.ts";
import type { World } from "../../sim/world.ts";
import { CARDINALITY_SCHEMA } from "./helpers.ts";
import { objectCall, strike } from "../../sim/faults/scripted.ts";
import { type ChosenFault, StorageFaultPlan } from "../../sim/faults/plan.ts";
import type { ScheduledStorage } from "../../sim/scheduled-storage.ts";
import { head, PERSON, person, pin, sidecarKeys, startProcess } from "./support.ts";
import { ended, fixedWith, observed } from "./observe.ts";

const WITH_EMAIL = CARDINALITY_SCHEMA.replace("age: I32? }", "age: I32?  email: String? }");

const isLeaseOnly = (call: StorageCall) => call.op === "manifest.merge" && JSON.stringify(call.args.rows) === JSON.stringify([`lease:${branchLeaseResource(null)}`]);

/** Whose lease on main is live now (null: free). */
async function leaseHolder(w: World): Promise<string | null> {
  return liveHolder(await w.storage.manifest.load(null), branchLeaseResource(null), w.clock.now());
}

/** The graph's three schema files agree: a fresh open succeeds (and says which schema it holds), or fails typed. */
async function reopened(w: World, name: string): Promise<string> {
  const r = await ended(startProcess(w, name).open());
  return r === "ok" ? `open ok, ${(await w.storage.objects.get(SCHEMA_SOURCE_FILE)).includes("email") ? "new" : "old"} schema` : `open ${r}`;
}

const planted = (kind: StorageFaultKind, flag: keyof Fixes) => `${kind}: the fault is survived on fixed; fixed without ${flag} goes red`;

test(planted("lost", "verifySidecarWrite") + " (a lost sidecar put, then a failed publish, leaves uncovered drift: #602's class)", async () => {
  const run = (on: boolean) =>
    observed(fixedWith({ verifySidecarWrite: on }), async (w) => {
      await startProcess(w, "setup").init();
      const g = await startProcess(w, "writer").open();
      strike(w, "lost", objectCall("objects.put", (k) => k.startsWith(RECOVERY_DIR)));
      w.failpoints.set(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, { kind: "error", times: 1 });
      const write = await ended(g.mutate([person("Alice")]));
      await w.sleep(2 * LEASE_TTL_MS);
      const open = await ended(startProcess(w, "reopen").open());
      return `write ${write}; open ${open}; Person HEAD ${await head(w, PERSON)} pin ${await pin(w, PERSON)}; sidecars ${(await sidecarKeys(w)).length}`;
    });
  expect(await run(false)).toBe("write InjectedFailure; open ok; Person HEAD 2 pin 1; sidecars 0");
  expect(await run(true)).toBe("write InjectedFailure; open ok; Person HEAD 2 pin 2; sidecars 0");
});

test(planted("torn", "verifySchemaFiles") + " (a torn staging file is promoted as the schema contract)", async () => {
  const run = (on: boolean) =>
    observed(fixedWith({ verifySchemaFiles: on }), async (w) => {
      await startProcess(w, "setup").init();
      const g = await startProcess(w, "applier").open();
      strike(w, "torn", objectCall("objects.put", (k) => k === stagingName(SCHEMA_IR_FILE)), { param: 2 });
      const apply = await ended(g.applySchema(WITH_EMAIL));
      return `apply ${apply}; ${await reopened(w, "reopen")}`;
    });
  expect(await run(false)).toBe("apply ok; open SchemaContractInvalid");
  expect(await run(true)).toBe("apply ok; open ok, new schema");
});

test("verifySidecarWrite: a torn rewrite of a schema apply's published marker refuses every later open without it; with it the marker is put again, or (torn twice) the sidecar is put back as it was and the apply fails typed", async () => {
  // Found by `hunt --profile fixed --faults all` (schema-apply-reopen seed 154): the apply dies
  // after its marker's rewrite, before its own sidecar delete, and leaves the torn sidecar behind.
  const isMarker = (call: StorageCall) => objectCall("objects.put", (k) => k.startsWith(RECOVERY_DIR))(call) && (call.object?.body ?? "").includes('"schema_apply_manifest_published": true');
  const run = (on: boolean, times: number) =>
    observed(fixedWith({ verifySidecarWrite: on }), async (w) => {
      await startProcess(w, "setup").init();
      const g = await startProcess(w, "applier").open();
      strike(w, "torn", isMarker, { param: 2, times });
      w.failpoints.set(FP.SCHEMA_APPLY_AFTER_MANIFEST_COMMIT, { kind: "error", times: 1 });
      const apply = await ended(g.applySchema(WITH_EMAIL));
      await w.sleep(2 * LEASE_TTL_MS);
      return `apply ${apply}; ${await reopened(w, "reopen")}; sidecars ${(await sidecarKeys(w)).length}`;
    });
  expect(await run(false, 1)).toBe("apply InjectedFailure; open SidecarSchema; sidecars 1");
  expect(await run(true, 1)).toBe("apply InjectedFailure; open ok, new schema; sidecars 0");
  expect(await run(true, 2)).toBe("apply StorageFailure; open ok, new schema; sidecars 0");
});

test("verifySchemaFiles: a promotion copy lost before its source's delete loses the schema file without it; it is copied again with it", async () => {
  const run = (on: boolean) =>
    observed(fixedWith({ verifySchemaFiles: on }), async (w) => {
      await startProcess(w, "setup").init();
      const g = await startProcess(w, "applier").open();
      strike(w, "lost", objectCall("objects.copy", (k) => k === SCHEMA_IR_FILE));
      const apply = await ended(g.applySchema(WITH_EMAIL));
      return `apply ${apply}; ${await reopened(w, "reopen")}`;
    });
  expect(await run(false)).toBe("apply ok; open SchemaContractInvalid");
  expect(await run(true)).toBe("apply ok; open ok, new schema");
});

test("verifySchemaFiles: init's torn schema contract bricks the graph without it; with it the file is put again, or (torn twice) the init fails typed and the root takes an init again", async () => {
  const run = (on: boolean, times: number) =>
    observed(fixedWith({ verifySchemaFiles: on }), async (w) => {
      strike(w, "torn", objectCall("objects.put", (k) => k === SCHEMA_IR_FILE), { param: 1, times });
      // In an actor of its own: a setup the director runs alone may be reused, with no storage calls.
      const setup = startProcess(w, "setup");
      const initing = setup.spawn("init", () => setup.init());
      await w.join(initing);
      const init = await ended(initing.outcome!.ok ? Promise.resolve() : Promise.reject(initing.outcome!.error));
      const again = init === "ok" ? "not needed" : await ended(startProcess(w, "again").init());
      return `init ${init}; again ${again}; ${await reopened(w, "reopen")}`;
    });
  expect(await run(false, 1)).toBe("init ok; again not needed; open SchemaContractInvalid");
  expect(await run(true, 1)).toBe("init ok; again not needed; open ok, old schema");
  expect(await run(true, 2)).toBe("init StorageFailure; again ok; open ok, old schema");
});

test(planted("misdirected", "deleteListedSidecar") + " (a sidecar written under a foreign name is never deleted: #601's class)", async () => {
  const run = (on: boolean) =>
    observed(fixedWith({ deleteListedSidecar: on, verifySidecarWrite: false }), async (w) => {
      await startProcess(w, "setup").init();
      const g = await startProcess(w, "writer").open();
      strike(w, "misdirected", objectCall("objects.put", (k) => k.startsWith(RECOVERY_DIR)));
      w.failpoints.set(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, { kind: "error", times: 1 });
      const write = await ended(g.mutate([person("Alice")]));
      await w.sleep(2 * LEASE_TTL_MS);
      await startProcess(w, "open-1").open();
      await startProcess(w, "open-2").open();
      return `write ${write}; sidecars left ${(await sidecarKeys(w)).map((k) => k.replace(/^.*~/, "~")).join(",") || "none"}`;
    });
  expect(await run(false)).toBe("write InjectedFailure; sidecars left ~misdirected.json");
  expect(await run(true)).toBe("write InjectedFailure; sidecars left none");
});

test(planted("ack-loss", "leaseThroughFaults") + " (an acquire whose response was lost holds the lease for nobody)", async () => {
  const run = (on: boolean) =>
    observed(fixedWith({ leaseThroughFaults: on }), async (w) => {
      await startProcess(w, "setup").init();
      const g = await startProcess(w, "writer").open();
      strike(w, "ack-loss", isLeaseOnly);
      const write = await ended(g.mutate([person("Alice")]));
      return `write ${write}; lease ${(await leaseHolder(w)) === null ? "free" : "held"}`;
    });
  expect(await run(false)).toBe("write StorageError Io; lease held");
  expect(await run(true)).toBe("write StorageError Io; lease free");
});

test("leaseThroughFaults: an acquire whose response was lost, and whose give-back read the manifest from before its merge, holds the lease for nobody without it; the give-back looks again with it", async () => {
  // uncommitted-optimize-audited-forward seed 269 with --faults all on fixed: the give-back saw
  // the lease free, and every other committer waited out the lease.
  class AckLossThenStale extends StorageFaultPlan {
    private step = 0;
    override plan(call: StorageCall): ChosenFault | null {
      if (this.step === 0 && isLeaseOnly(call)) return (this.step++, { kind: "ack-loss", param: 0, delayMs: 0 });
      if (this.step === 1 && call.op === "manifest.load") return (this.step++, { kind: "stale", param: 0, delayMs: 0 });
      return null;
    }
  }
  const run = (on: boolean) =>
    observed(fixedWith({ leaseThroughFaults: on }), async (w) => {
      await startProcess(w, "setup").init();
      const p = startProcess(w, "holder");
      const storage = w.storage as ScheduledStorage;
      storage.faults = new AckLossThenStale(w, { kinds: ["ack-loss", "stale"] });
      const acquire = await ended(tryAcquireLease(p.env, branchLeaseResource(null), leaseOwnerId(p.env, "holder")));
      storage.faults = null;
      return `acquire ${acquire}; lease ${(await leaseHolder(w)) === null ? "free" : "held"}`;
    });
  expect(await run(false)).toBe("acquire StorageError Io; lease held");
  expect(await run(true)).toBe("acquire StorageError Io; lease free");
});

test(planted("error", "leaseThroughFaults") + " (a release that fails leaves the lease held for nobody)", async () => {
  const run = (on: boolean) =>
    observed(fixedWith({ leaseThroughFaults: on }), async (w) => {
      await startProcess(w, "setup").init();
      const g = await startProcess(w, "writer").open();
      // The writer's second lease-only merge is its release (the first took the lease).
      let seen = 0;
      strike(w, "error", (call) => isLeaseOnly(call) && ++seen === 2);
      const write = await ended(g.mutate([person("Alice")]));
      return `write ${write}; lease ${(await leaseHolder(w)) === null ? "free" : "held"}`;
    });
  expect(await run(false)).toBe("write StorageError Io; lease held");
  expect(await run(true)).toBe("write ok; lease free");
});

test(planted("stale", "leaseThroughFaults") + " (a release that reads the manifest from before its lease sees it free)", async () => {
  const run = (on: boolean) =>
    observed(fixedWith({ leaseThroughFaults: on }), async (w) => {
      await startProcess(w, "setup").init();
      const p = startProcess(w, "holder");
      // The layer keeps the recent durable states from here on; it strikes once armed.
      let armed = false;
      strike(w, "stale", (call) => armed && call.op === "manifest.load", { param: 0 });
      const lease = (await tryAcquireLease(p.env, branchLeaseResource(null), leaseOwnerId(p.env, "holder")))!;
      // The release's read looks one durable write back: to before the lease was taken.
      armed = true;
      await releaseLease(p.env, lease);
      return `lease ${(await leaseHolder(w)) === null ? "free" : "held"}`;
    });
  expect(await run(false)).toBe("lease held");
  expect(await run(true)).toBe("lease free");
});

test(planted("latency", "ownerLease") + " (an open recovers a paused writer's sidecar under it)", async () => {
  const run = (on: boolean) =>
    observed(fixedWith({ ownerLease: on }), async (w) => {
      await startProcess(w, "setup").init();
      const wp = startProcess(w, "writer");
      const g = await wp.open();
      // The writer is held up 5 s (well within its lease) just before its publish.
      strike(w, "latency", (call) => call.op === "manifest.merge" && JSON.stringify(call.args.rows).includes("graph_head:main"), { delayMs: 5_000 });
      const writing = wp.spawn("write", () => g.mutate([person("Alice")]));
      await w.until("the writer committed its table", () => w.trace.events().some((e) => e.e === "io" && e.op === "datasets.commit" && e.actor === "write"));
      const op = startProcess(w, "opener");
      const opening = op.spawn("open", () => op.open());
      await w.join(writing, opening);
      const sidecarDeleters = w.trace.events().flatMap((e) => (e.e === "io" && e.op === "objects.delete" && String((e.args as { key?: unknown }).key).startsWith(RECOVERY_DIR) ? [e.actor] : []));
      return `write ${writing.outcome!.ok ? "ok" : (writing.outcome!.error as { kind?: string }).kind}; sidecar deleted by ${sidecarDeleters.join(",")}`;
    });
  expect(await run(false)).toBe("write ExpectedVersionMismatch; sidecar deleted by open");
  expect(await run(true)).toBe("write ok; sidecar deleted by write");
});
