// `mergeTxnChain` (#345, `e0e145aa`): a BranchMerge sidecar's pins carry the merge's planned
// transaction chain, and recovery rolls the merge forward, or audits it so, only over that exact
// chain. Each test runs one situation on `upstream` with the flag off and on.
import { expect, test } from "vitest";
import { type Fixes, PROFILES } from "../../engine/fixes.ts";
import type { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { datasetUri, RECOVERY_DIR } from "../../engine/manifest/layout.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import { FP } from "../../failpoints/catalog.ts";
import type { World } from "../../sim/world.ts";
import { inWorld } from "./helpers.ts";
import { appendRaw, auditRows, head, onlySidecar, PERSON, person, pin, published, publishedIds, settle, sidecarKeys, startProcess } from "./support.ts";

function upstreamWith(on: boolean): Fixes {
  return { ...PROFILES.upstream, mergeTxnChain: on };
}

/**
 * The same without upstream's write barrier: a write goes ahead past the intent its heal
 * deferred, as at the seed. (With the barrier the moved pin needs a write that listed
 * `__recovery/` before the merge armed its sidecar.)
 */
function pastDeferredIntent(on: boolean): Fixes {
  return { ...upstreamWith(on), writeBarrier: false };
}

/** What `observe` returns from one universe run with `fixes`. */
async function observed<T>(fixes: Fixes, observe: (w: World) => Promise<T>): Promise<T> {
  let seen: { value: T } | null = null;
  await inWorld(async (w) => void (seen = { value: await observe(w) }), { fixes });
  return seen!.value;
}

/** Alice and Bob on main; a branch `reload` that changed Alice's age (an upsert-only adoption). */
async function reloadBranch(w: World): Promise<Omnigraph> {
  const g = await startProcess(w, "app").init();
  await g.load({ mode: "Merge", nodes: { Person: [{ name: "Alice", age: 30 }, { name: "Bob", age: 40 }] } });
  await g.branchCreate("reload");
  await g.load({ mode: "Merge", nodes: { Person: [{ name: "Alice", age: 31 }] } }, null, { branch: "reload" });
  return g;
}

/** A pin's planned chain, each transaction as its op at its read version (the pin's own: `pin`). */
function chainOf(chain: readonly { read_version: number; op: string }[] | undefined, expected: number): string {
  return chain === undefined ? "none" : chain.map((t) => `${t.op}@${t.read_version === expected ? "pin" : t.read_version}`).join(",");
}

async function aliceAge(w: World): Promise<unknown> {
  return (await published(w, PERSON, "name", "age")).find((r) => r.name === "Alice")?.age;
}

test("mergeTxnChain: a merge that failed before any commit, whose table a later write published past its pin, is audited RolledForward without it, RolledBack with it", async () => {
  // full-reload-merge on upstream (portfolio seed 769; 394 when the gap was found): the swarm
  // knob's error at branch_merge.adopt_after_append_pre_upsert, then the director's merge moved
  // node:Person past the failed merge's pin, and the final open's stale-sidecar rule audited it.
  const run = (on: boolean) =>
    observed(pastDeferredIntent(on), async (w) => {
      const g = await reloadBranch(w);
      const expected = await pin(w, PERSON);
      w.failpoints.set(FP.BRANCH_MERGE_ADOPT_AFTER_APPEND_PRE_UPSERT, { kind: "error", times: 1 });
      const merge = await settle(g.branchMerge("reload", "main"));
      const sidecar = await onlySidecar(w);
      const untouched = (await head(w, PERSON)) === expected;
      // The write's heal defers the merge's sidecar (no movement, nothing to roll forward), and
      // the write goes ahead past it.
      await g.mutate([person("Eve")]);
      const moved = (await pin(w, PERSON)) > expected;
      await startProcess(w, "recoverer").open();
      const audits = (await auditRows(w)).filter((r) => r.operation_id === sidecar.operation_id).map((r) => r.recovery_kind);
      return `merge ${merge.ok ? "ok" : merge.error.kind}; chain ${chainOf(sidecar.tables[0]!.planned_transactions, expected)}; untouched ${untouched}; moved ${moved}; audits ${audits.join(",")}; sidecars ${(await sidecarKeys(w)).length}; Alice ${await aliceAge(w)}`;
    });
  expect(await run(false)).toBe("merge InjectedFailure; chain none; untouched true; moved true; audits RolledForward; sidecars 0; Alice 30");
  expect(await run(true)).toBe("merge InjectedFailure; chain Update@pin; untouched true; moved true; audits RolledBack; sidecars 0; Alice 30");
});

test("mergeTxnChain: a confirmed merge sidecar is rolled forward over a commit that is not its chain without it, rolled back with it", async () => {
  const run = (on: boolean) =>
    observed(upstreamWith(on), async (w) => {
      const g = await startProcess(w, "setup").init();
      await g.mutate([person("Alice")]);
      const expected = await pin(w, PERSON);
      // At HEAD an append nobody published, where the merge's confirmed chain planned an upsert.
      await appendRaw(w, PERSON, [{ id: "Carol", name: "Carol", age: null }]);
      const body = {
        schema_version: 2,
        operation_id: "merge-1",
        started_at: "0",
        branch: null,
        actor_id: null,
        writer_kind: "BranchMerge",
        tables: [
          {
            table_key: PERSON,
            table_path: datasetUri(w.backend.root, tablePathForTableKey(PERSON)),
            expected_version: expected,
            post_commit_pin: expected + 1,
            confirmed_version: expected + 1,
            planned_transactions: [{ read_version: expected, op: "Update" }],
          },
        ],
      };
      await w.storage.objects.put(`${RECOVERY_DIR}merge-1.json`, JSON.stringify(body));
      await startProcess(w, "recoverer").open();
      return `published ${(await publishedIds(w, PERSON)).join(",")}; audits ${(await auditRows(w)).map((r) => r.recovery_kind).join(",")}`;
    });
  expect(await run(false)).toBe("published Alice,Carol; audits RolledForward");
  expect(await run(true)).toBe("published Alice; audits RolledBack");
});

test("mergeTxnChain: a merge's own chain still rolls forward: after its Phase-B confirmation, and once published with its sidecar's delete failed", async () => {
  for (const on of [false, true]) {
    const confirmedThenFailed = await observed(upstreamWith(on), async (w) => {
      const g = await reloadBranch(w);
      w.failpoints.set(FP.BRANCH_MERGE_POST_PHASE_B_PRE_MANIFEST_COMMIT, { kind: "error", times: 1 });
      const merge = await settle(g.branchMerge("reload", "main"));
      await startProcess(w, "recoverer").open();
      return `merge ${merge.ok ? "ok" : merge.error.kind}; audits ${(await auditRows(w)).map((r) => r.recovery_kind).join(",")}; Alice ${await aliceAge(w)}`;
    });
    expect(confirmedThenFailed).toBe("merge InjectedFailure; audits RolledForward; Alice 31");
    const publishedThenLeft = await observed(upstreamWith(on), async (w) => {
      const g = await reloadBranch(w);
      w.failpoints.set(FP.RECOVERY_SIDECAR_DELETE, { kind: "error", times: 1 });
      const merge = await settle(g.branchMerge("reload", "main"));
      const left = (await sidecarKeys(w)).length;
      // Another write publishes past the merge's confirmed version before any recovery.
      w.failpoints.clear(FP.RECOVERY_SIDECAR_DELETE);
      await g.mutate([person("Eve")]);
      await startProcess(w, "recoverer").open();
      return `merge ${merge.ok ? "ok" : merge.error.kind}; left ${left}; audits ${(await auditRows(w)).map((r) => r.recovery_kind).join(",")}; Alice ${await aliceAge(w)}`;
    });
    expect(publishedThenLeft).toBe("merge ok; left 1; audits RolledForward; Alice 31");
  }
});

test("mergeTxnChain: a merge whose commit Lance placed over another process's unpublished commit is not published (#345's exact commits); without it the other's rows are published with the merge's", async () => {
  // uncommitted-merge-audited-forward on upstream (portfolio seed 175): a load's commit sat at
  // HEAD unpublished when the merge committed; the merge published both, and the final open
  // rolled the merge's sidecar back as not its chain (recovery-wrong-decision).
  const run = (on: boolean) =>
    observed(upstreamWith(on), async (w) => {
      const g = await reloadBranch(w);
      // Another process's load, committed and not yet published.
      await appendRaw(w, PERSON, [{ id: "Carol", name: "Carol", age: null }]);
      const merge = await settle(g.branchMerge("reload", "main"));
      const left = (await sidecarKeys(w)).length;
      await startProcess(w, "recoverer").open();
      return `merge ${merge.ok ? "ok" : merge.error.kind}; left ${left}; published ${(await publishedIds(w, PERSON)).join(",")}; audits ${(await auditRows(w)).map((r) => r.recovery_kind).join(",")}; Alice ${await aliceAge(w)}`;
    });
  expect(await run(false)).toBe("merge ok; left 0; published Alice,Bob,Carol; audits ; Alice 31");
  expect(await run(true)).toBe("merge ReadSetChanged; left 1; published Alice,Bob; audits RolledBack; Alice 30");
});
