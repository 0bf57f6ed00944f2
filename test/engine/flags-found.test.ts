// The flags of the fixes omnisim designed beyond the seed catalog: the branch lease
// (`ownerLease`) and the bugs the harness found (`auditOnce`, `completeStagingPromotion`,
// `pinBeforeHead`).
// Each: one small situation, the flag off and on, on top of the fixed profile.
import { expect, test } from "vitest";
import { type Fixes, PROFILES } from "../../engine/fixes.ts";
import { SCHEMA_SOURCE_FILE } from "../../engine/schema/contract.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import { FP } from "../../failpoints/catalog.ts";
import type { TraceEvent } from "../../sim/trace.ts";
import type { World } from "../../sim/world.ts";
import { CARDINALITY_SCHEMA, inWorld } from "./helpers.ts";
import { auditRows, outcomeOf, person, sidecarKeys, startProcess } from "./support.ts";

function fixedWith(flag: keyof Fixes, value: boolean): Fixes {
  return { ...PROFILES.fixed, [flag]: value };
}

/** The director waits until an io event matching `pred` is in the trace. */
function untilIo(w: World, label: string, pred: (e: TraceEvent) => boolean): Promise<void> {
  return w.until(label, () => w.trace.events().some((e) => e.e === "io" && "ok" in e && pred(e)));
}

test("ownerLease: another process's open deletes a live optimize's sidecar without it, leaves it alone with it", async () => {
  const run = (on: boolean) => {
    let deletedWhileLive = false;
    return inWorld(
      async (w) => {
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
        deletedWhileLive = !(await sidecarKeys(w)).includes(key!);
        w.failpoints.release(FP.OPTIMIZE_BEFORE_COMPACT);
        await w.join(opt);
      },
      { fixes: fixedWith("ownerLease", on) },
    ).then(() => deletedWhileLive);
  };
  expect(await run(false)).toBe(true);
  expect(await run(true)).toBe(false);
});

test("auditOnce: a crash between a recovery's audit and its sidecar delete makes the next recovery audit again without it, not with it", async () => {
  const run = (on: boolean) => {
    let kinds: string[] = [];
    return inWorld(
      async (w) => {
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
        kinds = (await auditRows(w)).map((r) => r.recovery_kind);
      },
      { fixes: fixedWith("auditOnce", on) },
    ).then(() => kinds);
  };
  expect(await run(false)).toEqual(["RolledForward", "RolledForward"]);
  expect(await run(true)).toEqual(["RolledForward"]);
});

test("completeStagingPromotion: a crash after the first staging file breaks every open without it; the apply rolls back with it", async () => {
  const WITH_EMAIL = CARDINALITY_SCHEMA.replace("age: I32? }", "age: I32?  email: String? }");
  const run = (on: boolean) => {
    let outcome = "";
    return inWorld(
      async (w) => {
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
        outcome = r.ok ? `ok: ${(await w.storage.objects.get(SCHEMA_SOURCE_FILE)).includes("email") ? "new" : "old"} schema` : r.error.kind;
      },
      { fixes: fixedWith("completeStagingPromotion", on) },
    ).then(() => outcome);
  };
  expect(await run(false)).toBe("SchemaContractInvalid");
  expect(await run(true)).toBe("ok: old schema");
});

test("pinBeforeHead: a write published between optimize's HEAD read and its pin read fails optimize without it, not with it", async () => {
  const run = (on: boolean) => {
    let outcome = "";
    return inWorld(
      async (w) => {
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
        outcome = r.ok ? "ok" : r.error.kind;
      },
      { fixes: { ...fixedWith("pinBeforeHead", on), ownerLease: false } },
    ).then(() => outcome);
  };
  expect(await run(false)).toBe("HeadBehindManifest");
  expect(await run(true)).toBe("ok");
});
