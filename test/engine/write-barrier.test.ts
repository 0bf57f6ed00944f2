// `writeBarrier`: RFC-022's synchronous write recovery barrier (`62a9c3fe`). A dead writer's
// intent that the heal cannot roll forward (its commit never landed) is left pending; with the
// barrier a mutation, load, merge or ensureIndices on that branch refuses RecoveryRequired
// instead of going ahead past it, and a read-write reopen then recovers it.
import { expect, test } from "vitest";
import { type Fixes, PROFILES } from "../../engine/fixes.ts";
import type { Omnigraph } from "../../engine/graph/omnigraph.ts";
import type { World } from "../../sim/world.ts";
import { FP } from "../../failpoints/catalog.ts";
import { inWorld } from "./helpers.ts";
import { RECOVERY_DIR } from "../../engine/manifest/layout.ts";
import { driftHead, head, outcomeOf, person, PERSON, pin, plantSidecar, publishedIds, settle, sidecarKeys, startProcess } from "./support.ts";

const DEAD_WRITE = "01JXT21X3D5ZBMH7B318K6VE72";

function upstreamWith(writeBarrier: boolean): Fixes {
  return { ...PROFILES.upstream, writeBarrier };
}

/** A graph with Alice, a served handle, and a dead writer's Mutation intent on `branch` whose commit never landed. */
async function withDeadIntent(w: World, branch: string | null): Promise<Omnigraph> {
  const g = await startProcess(w, "app").init();
  await g.mutate([person("Alice", 30)]);
  if (branch !== null) await g.branchCreate(branch);
  const at = await pin(w, PERSON);
  expect(await head(w, PERSON)).toBe(at);
  await plantSidecar(w, { operationId: DEAD_WRITE, kind: "Mutation", tableKey: PERSON, expected: at, post: at + 1, branch });
  return g;
}

/** A graph with Alice, its process (to spawn a concurrent write in) and Person's pin. */
async function aliceInOneProcess(w: World) {
  const p = startProcess(w, "app");
  const g = await p.init();
  await g.mutate([person("Alice", 30)]);
  return { p, g, at: await pin(w, PERSON) };
}

async function outcome(fixes: Fixes, body: (w: World) => Promise<string>): Promise<string> {
  let seen = "";
  await inWorld(async (w) => void (seen = await body(w)), { fixes });
  return seen;
}

const kindOf = (s: Awaited<ReturnType<typeof settle>>) => (s.ok ? "ok" : s.error.kind);

test("a write past a deferred intent on its branch: goes ahead without the barrier, refuses RecoveryRequired with it, and goes through after a read-write reopen", async () => {
  const run = (on: boolean) =>
    outcome(upstreamWith(on), async (w) => {
      const g = await withDeadIntent(w, null);
      const write = kindOf(await settle(g.mutate([person("Bob", 40)])));
      const pending = (await sidecarKeys(w)).length;
      await startProcess(w, "reopen").open();
      const after = kindOf(await settle(g.mutate([person("Carol", 50)])));
      return `${write}; pending ${pending}; after reopen ${after}; ${(await publishedIds(w, PERSON)).join(",")}`;
    });
  expect(await run(false)).toBe("ok; pending 1; after reopen ok; Alice,Bob,Carol");
  expect(await run(true)).toBe("RecoveryRequired; pending 1; after reopen ok; Alice,Carol");
});

test("the barrier refuses a load, a merge into the branch and ensureIndices as it refuses a mutation", async () => {
  const run = (on: boolean) =>
    outcome(upstreamWith(on), async (w) => {
      const g = await withDeadIntent(w, "b0");
      const load = kindOf(await settle(g.load({ mode: "Append", nodes: { Person: [{ name: "Dan", age: 20 }] } }, null, { branch: "b0" })));
      const merge = kindOf(await settle(g.branchMerge("main", "b0")));
      const onMain = kindOf(await settle(g.mutate([person("Eve", 22)])));
      return `load ${load}; merge ${merge}; main ${onMain}`;
    });
  expect(await run(false)).toBe("load ok; merge ok; main ok");
  // The intent is on b0: a write to main is not held up by it.
  expect(await run(true)).toBe("load RecoveryRequired; merge RecoveryRequired; main ok");
});

test("ensureIndices heals and refuses only with the barrier (at the seed it never heals)", async () => {
  const run = (on: boolean) =>
    outcome(upstreamWith(on), async (w) => {
      const g = await withDeadIntent(w, null);
      return kindOf(await settle(g.ensureIndices()));
    });
  expect(await run(false)).toBe("ok");
  expect(await run(true)).toBe("RecoveryRequired");
});

test("an intent armed after the write's heal: the second listing, under the write's gates, refuses it with the barrier; without it the write publishes past it", async () => {
  const run = (on: boolean) =>
    outcome(upstreamWith(on), async (w) => {
      const { p, g, at } = await aliceInOneProcess(w);
      w.failpoints.set(FP.MUTATION_POST_STAGE_PRE_EFFECT_GATE, { kind: "park" });
      const writing = p.spawn("write", () => g.mutate([person("Bob", 40)]));
      await w.until("the write healed, staged and parked before its gates", () => w.failpoints.reached(FP.MUTATION_POST_STAGE_PRE_EFFECT_GATE));
      // Another process's writer arms its intent now, and dies before its commit.
      await plantSidecar(w, { operationId: DEAD_WRITE, kind: "Mutation", tableKey: PERSON, expected: at, post: at + 1 });
      w.failpoints.release(FP.MUTATION_POST_STAGE_PRE_EFFECT_GATE);
      await w.join(writing);
      const r = outcomeOf(writing);
      return `${kindOf(r)}; pin moved ${(await pin(w, PERSON)) > at}`;
    });
  expect(await run(false)).toBe("ok; pin moved true");
  expect(await run(true)).toBe("RecoveryRequired; pin moved false");
});

test("a drift whose sidecar was armed after the write's last listing: DriftAhead without the barrier, RecoveryRequired naming its operation with it (the pre-arm ownership check)", async () => {
  const run = (on: boolean) =>
    outcome(upstreamWith(on), async (w) => {
      const { p, g, at } = await aliceInOneProcess(w);
      const listings = () => w.trace.events().filter((e) => e.e === "io" && e.op === "objects.list" && "ok" in e && e.actor === "write" && String((e.args as { prefix?: unknown }).prefix).startsWith(RECOVERY_DIR)).length;
      const writing = p.spawn("write", () => g.mutate([person("Bob", 40)]));
      // The heal's listing, and with the barrier the one under the write's gates.
      await w.until("the write listed __recovery/ for the last time before its drift guard", () => writing.ended || listings() >= (on ? 2 : 1));
      // Another process's writer arms its intent and commits, unpublished.
      await plantSidecar(w, { operationId: DEAD_WRITE, kind: "Mutation", tableKey: PERSON, expected: at, post: at + 1 });
      await driftHead(w, PERSON);
      await w.join(writing);
      const r = outcomeOf(writing);
      return r.ok ? "ok" : `${r.error.kind} ${JSON.stringify(r.error.details)}`;
    });
  expect(await run(false)).toBe(`DriftAhead {"tableKey":"node:Person","head":3,"pinned":2,"sidecarRequiresRollback":true}`);
  expect(await run(true)).toBe(`RecoveryRequired {"sidecars":1,"operationId":"${DEAD_WRITE}"}`);
});

test("fixed leaves the barrier off: its owner lease recovers the dead intent inside the write's commit section", async () => {
  expect(PROFILES.fixed.writeBarrier).toBe(false);
  expect(PROFILES.upstream.writeBarrier).toBe(true);
  const r = await outcome(PROFILES.fixed, async (w) => {
    const g = await withDeadIntent(w, null);
    return kindOf(await settle(g.mutate([person("Bob", 40)])));
  });
  expect(r).toBe("ok");
});
