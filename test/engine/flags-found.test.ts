// The flags of the fixes omnisim designed beyond the seed catalog: the branch lease
// (`ownerLease`) and the bugs the harness found (`auditOnce`, `completeStagingPromotion`,
// `pinBeforeHead`, `exactCommit`, `deleteListedSidecar`, `provenRollForward`).
// Each: one small situation, the flag off and on, on top of the fixed profile.
import { expect, test } from "vitest";
import { type Fixes, PROFILES } from "../../engine/fixes.ts";
import { GRAPH_COMMITS, RECOVERY_DIR } from "../../engine/manifest/layout.ts";
import { Snapshot } from "../../engine/manifest/snapshot.ts";
import type { Version } from "../../engine/storage/types.ts";
import { SCHEMA_SOURCE_FILE } from "../../engine/schema/contract.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import { FP } from "../../failpoints/catalog.ts";
import type { TraceEvent } from "../../sim/trace.ts";
import type { World } from "../../sim/world.ts";
import { CARDINALITY_SCHEMA, inWorld } from "./helpers.ts";
import { appendRaw, auditRows, head, outcomeOf, PERSON, person, pin, plantSidecar, publishedIds, sidecarKeys, startProcess } from "./support.ts";

function fixedWith(flag: keyof Fixes, value: boolean): Fixes {
  return { ...PROFILES.fixed, [flag]: value };
}

/** What `observe` returns from one universe run with `fixes` (the flag off, then on). */
async function observed<T>(fixes: Fixes, observe: (w: World) => Promise<T>): Promise<T> {
  let seen: { value: T } | null = null;
  await inWorld(async (w) => void (seen = { value: await observe(w) }), { fixes });
  return seen!.value;
}

/** The director waits until an io event matching `pred` is in the trace. */
function untilIo(w: World, label: string, pred: (e: TraceEvent) => boolean): Promise<void> {
  return w.until(label, () => w.trace.events().some((e) => e.e === "io" && "ok" in e && pred(e)));
}

/** The first main-branch manifest version that pins `node:Person` at `version`. */
async function firstManifestPinning(w: World, version: number): Promise<number> {
  const last = await w.storage.manifest.latestVersion(null);
  for (let v = 1; v <= last; v++) if (Snapshot.fromManifest(await w.storage.manifest.load(null, v as Version)).pinned(PERSON) === version) return v;
  throw new Error(`no manifest version pins ${PERSON} at ${version}`);
}

/** The main-branch manifest versions `_graph_commits` has a commit for. */
async function graphCommitVersions(w: World): Promise<number[]> {
  const rows = (await w.storage.datasets.checkout(GRAPH_COMMITS, null, await w.storage.datasets.latestVersion(GRAPH_COMMITS, null))).rows;
  return rows.filter((r) => (r.manifest_branch ?? null) === null).map((r) => Number(r.manifest_version));
}

test("ownerLease: another process's open deletes a live optimize's sidecar without it, leaves it alone with it", async () => {
  const run = (on: boolean) =>
    observed(fixedWith("ownerLease", on), async (w) => {
      const setup = startProcess(w, "setup");
      const g = await setup.init();
      await g.mutate([person("A1")]);
      await g.mutate([person("A2")]);
      const o = startProcess(w, "optimizer");
      const og = await o.open();
      w.failpoints.set(FP.OPTIMIZE_BEFORE_COMPACT, { kind: "park" });
      const opt = o.spawn("optimize", () => og.optimize());
      await w.until("optimize parked", () => w.failpoints.reached(FP.OPTIMIZE_BEFORE_COMPACT));
      const [key] = await sidecarKeys(w);
      await startProcess(w, "opener").open();
      const deletedWhileLive = !(await sidecarKeys(w)).includes(key!);
      w.failpoints.release(FP.OPTIMIZE_BEFORE_COMPACT);
      await w.join(opt);
      return deletedWhileLive;
    });
  expect(await run(false)).toBe(true);
  expect(await run(true)).toBe(false);
});

test("auditOnce: a crash between a recovery's audit and its sidecar delete makes the next recovery audit again without it, not with it", async () => {
  const run = (on: boolean) =>
    observed(fixedWith("auditOnce", on), async (w) => {
      const g = await startProcess(w, "setup").init();
      w.failpoints.set(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, { kind: "error", times: 1 });
      await g.mutate([person("Alice")]).catch(() => undefined);
      const first = startProcess(w, "open-1");
      const opening = first.spawn("open-1", () => first.open());
      await untilIo(w, "open-1 appended its audit row", (e) => e.e === "io" && e.op === "datasets.commit" && String((e.args as { path: string }).path).startsWith("_graph_commit_recoveries"));
      w.crash(first.proc);
      expect(opening.status).toBe("dead");
      await w.sleep(60_000); // past the crashed recoverer's lease
      await startProcess(w, "open-2").open();
      return (await auditRows(w)).map((r) => r.recovery_kind);
    });
  expect(await run(false)).toEqual(["RolledForward", "RolledForward"]);
  expect(await run(true)).toEqual(["RolledForward"]);
});

test("auditOnce: a second recovery of an audited operation that publishes again still records its publish in the commit graph", async () => {
  await inWorld(
    async (w) => {
      const g = await startProcess(w, "setup").init();
      await g.mutate([person("Alice")]);
      // The operation's first recovery: its writer never committed, a roll-back with nothing to restore.
      const at = await pin(w, PERSON);
      await plantSidecar(w, { operationId: "01H00000000000000000AUDITD", kind: "Mutation", tableKey: PERSON, expected: at, post: at + 1 });
      await startProcess(w, "open-1").open();
      expect((await auditRows(w)).map((r) => r.recovery_kind)).toEqual(["RolledBack"]);
      // Its writer lived on (an earlier recovery took a live writer's sidecar) and left a sidecar
      // and a commit again: the next recovery restores and publishes, and audits nothing more.
      await plantSidecar(w, { operationId: "01H00000000000000000AUDITD", kind: "Mutation", tableKey: PERSON, expected: at, post: at + 1 });
      await appendRaw(w, PERSON, [{ id: "Bob", name: "Bob", age: null }]);
      await startProcess(w, "open-2").open();
      expect((await auditRows(w)).length).toBe(1);
      const moved = await pin(w, PERSON);
      expect(moved).toBeGreaterThan(at);
      expect(await graphCommitVersions(w)).toContain(await firstManifestPinning(w, moved));
    },
    { fixes: PROFILES.fixed },
  );
});

test("completeStagingPromotion: a crash after the first staging file breaks every open without it; the apply rolls back with it", async () => {
  const WITH_EMAIL = CARDINALITY_SCHEMA.replace("age: I32? }", "age: I32?  email: String? }");
  const run = (on: boolean) =>
    // verifySchemaFiles discards an invalid staging set too: off, so the flag is judged alone.
    observed({ ...fixedWith("completeStagingPromotion", on), verifySchemaFiles: false }, async (w) => {
      await startProcess(w, "setup").init();
      const applier = startProcess(w, "applier");
      const ag = await applier.open();
      applier.spawn("apply", () => ag.applySchema(WITH_EMAIL));
      await untilIo(w, "the first staging file is written", (e) => e.e === "io" && e.op === "objects.put" && (e.args as { key: string }).key === `${SCHEMA_SOURCE_FILE}.staging`);
      w.crash(applier.proc);
      await w.sleep(60_000);
      const reopen = startProcess(w, "reopen");
      const opened = reopen.spawn("reopen", () => reopen.open());
      await w.join(opened);
      const r = outcomeOf(opened);
      return r.ok ? `ok: ${(await w.storage.objects.get(SCHEMA_SOURCE_FILE)).includes("email") ? "new" : "old"} schema` : r.error.kind;
    });
  expect(await run(false)).toBe("SchemaContractInvalid");
  expect(await run(true)).toBe("ok: old schema");
});

test("pinBeforeHead: a write published between optimize's HEAD read and its pin read fails optimize without it, not with it", async () => {
  const run = (on: boolean) =>
    observed({ ...fixedWith("pinBeforeHead", on), ownerLease: false }, async (w) => {
      const g = await startProcess(w, "setup").init();
      for (const name of ["A1", "A2"]) await g.mutate([person(name)]);
      const o = startProcess(w, "optimizer");
      const og = await o.open();
      const opt = o.spawn("optimize", () => og.optimize());
      const persons = tablePathForTableKey("node:Person");
      await untilIo(w, "optimize read Person's HEAD", (e) => e.e === "io" && e.op === "datasets.checkout" && e.actor !== "director" && (e.args as { path: string }).path === persons);
      await (await startProcess(w, "writer").open()).mutate([person("Eve")]);
      await w.join(opt);
      const r = outcomeOf(opt);
      return r.ok ? "ok" : r.error.kind;
    });
  expect(await run(false)).toBe("HeadBehindManifest");
  expect(await run(true)).toBe("ok");
});

test("exactCommit: a write whose commit Lance rebased over another's unpublished commit publishes both without it, refuses with it", async () => {
  const run = (on: boolean) =>
    observed({ ...fixedWith("exactCommit", on), ownerLease: false }, async (w) => {
      const g = await startProcess(w, "setup").init();
      await g.mutate([person("Alice")]);
      const p = startProcess(w, "writer");
      const wg = await p.open();
      // The insert has validated HEAD == pin; another writer's commit lands before its own.
      w.failpoints.set(FP.RECOVERY_SIDECAR_WRITE, { kind: "park" });
      const insert = p.spawn("insert", () => wg.mutate([person("Bob")]));
      await w.until("the insert validated", () => w.failpoints.reached(FP.RECOVERY_SIDECAR_WRITE));
      const foreign = await appendRaw(w, PERSON, [{ id: "Carol", name: "Carol", age: null }]);
      w.failpoints.release(FP.RECOVERY_SIDECAR_WRITE);
      await w.join(insert);
      const r = outcomeOf(insert);
      return `${r.ok ? "ok" : r.error.kind}; published ${(await publishedIds(w, PERSON)).join(",")}; foreign commit ${foreign - (await pin(w, PERSON))} ahead of the pin`;
    });
  expect(await run(false)).toBe("ok; published Alice,Bob,Carol; foreign commit -1 ahead of the pin");
  expect(await run(true)).toBe("RecoveryRequired; published Alice; foreign commit 1 ahead of the pin");
});

test("exactCommit: recovery of a writer that died before its commit rolls another's commit at its version forward without it, leaves it alone with it", async () => {
  const run = (on: boolean) =>
    observed(fixedWith("exactCommit", on), async (w) => {
      const g = await startProcess(w, "setup").init();
      await g.mutate([person("Alice")]);
      const p = startProcess(w, "writer");
      const wg = await p.open();
      const insert = p.spawn("insert", () => wg.mutate([person("Bob")]));
      await untilIo(w, "the insert wrote its sidecar", (e) => e.e === "io" && e.actor === "insert" && e.op === "objects.put" && String((e.args as { key: string }).key).startsWith(RECOVERY_DIR));
      w.crash(p.proc);
      expect(insert.status).toBe("dead");
      const foreign = await appendRaw(w, PERSON, [{ id: "Carol", name: "Carol", age: null }]);
      await w.sleep(60_000); // past the dead writer's lease
      await startProcess(w, "recoverer").open();
      const kinds = (await auditRows(w)).map((r) => r.recovery_kind);
      return `published ${(await publishedIds(w, PERSON)).join(",")}; HEAD ${(await head(w, PERSON)) - foreign} past the foreign commit; sidecars ${(await sidecarKeys(w)).length}; audits ${kinds.join(",")}`;
    });
  expect(await run(false)).toBe("published Alice,Carol; HEAD 0 past the foreign commit; sidecars 0; audits RolledForward");
  expect(await run(true)).toBe("published Alice; HEAD 0 past the foreign commit; sidecars 0; audits RolledBack");
});

test("deleteListedSidecar: a sidecar under a foreign name outlives every recovery without it; recovery deletes it with it", async () => {
  const run = (on: boolean) => {
    let left: string[] = [];
    return inWorld(
      async (w) => {
        const g = await startProcess(w, "setup").init();
        // A write whose publish fails leaves its sidecar; a storage fault had put it under another name.
        w.failpoints.set(FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, { kind: "error", times: 1 });
        await g.mutate([person("Alice")]).catch(() => undefined);
        const [key] = await sidecarKeys(w);
        const foreign = key!.replace(/\.json$/, "~misdirected.json");
        await w.storage.objects.copy(key!, foreign);
        await w.storage.objects.delete(key!);
        await w.sleep(60_000); // past the failed writer's lease
        await startProcess(w, "open-1").open();
        await startProcess(w, "open-2").open();
        left = await sidecarKeys(w);
      },
      { fixes: fixedWith("deleteListedSidecar", on) },
    ).then(() => left);
  };
  expect(await run(false)).toEqual([expect.stringMatching(/~misdirected\.json$/)]);
  expect(await run(true)).toEqual([]);
});

test("provenRollForward: an optimize that failed before compacting is audited RolledForward once another writer moved its pin without it, RolledBack with it", async () => {
  const run = (on: boolean) =>
    // Without the lease the writer's heal defers the failed optimize's sidecar instead of rolling
    // it back at once, so the pin moves past its expected version before any recovery decides.
    observed({ ...fixedWith("provenRollForward", on), ownerLease: false }, async (w) => {
      const g = await startProcess(w, "setup").init();
      for (const name of ["A1", "A2"]) await g.mutate([person(name)]);
      const writer = await startProcess(w, "writer").open();
      w.failpoints.set(FP.OPTIMIZE_BEFORE_COMPACT, { kind: "error", times: 1 });
      await (await startProcess(w, "optimizer").open()).optimize().catch(() => undefined);
      const [sidecar] = await sidecarKeys(w);
      await writer.mutate([person("Eve")]);
      const deferred = (await sidecarKeys(w)).includes(sidecar!);
      await startProcess(w, "recoverer").open();
      return `deferred ${deferred}; audits ${(await auditRows(w)).map((r) => r.recovery_kind).join(",")}; sidecars ${(await sidecarKeys(w)).length}`;
    });
  expect(await run(false)).toBe("deferred true; audits RolledForward; sidecars 0");
  expect(await run(true)).toBe("deferred true; audits RolledBack; sidecars 0");
});

test("provenRollForward: an optimize's sidecar is rolled forward over another writer's unpublished commit without it, not with it", async () => {
  const run = (on: boolean) =>
    observed(fixedWith("provenRollForward", on), async (w) => {
      const g = await startProcess(w, "setup").init();
      await g.mutate([person("Alice")]);
      const expected = await pin(w, PERSON);
      // An optimize's intent at the current pin, and at HEAD a commit that is not a compaction.
      await plantSidecar(w, { operationId: "optimize-1", kind: "Optimize", tableKey: PERSON, expected, post: expected + 1 });
      await appendRaw(w, PERSON, [{ id: "Carol", name: "Carol", age: null }]);
      await startProcess(w, "recoverer").open();
      return `published ${(await publishedIds(w, PERSON)).join(",")}; audits ${(await auditRows(w)).map((r) => r.recovery_kind).join(",")}`;
    });
  expect(await run(false)).toBe("published Alice,Carol; audits RolledForward");
  expect(await run(true)).toBe("published Alice; audits RolledBack");
});
