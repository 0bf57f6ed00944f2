// Liveness after the run: a new process opens the graph read-write. The open must succeed on
// recoverable state, and leave every table's Lance HEAD equal to its pin and `__recovery/`
// empty; then a write must go through (later writes are never wedged).
import { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { LEASE_TTL_MS } from "../../engine/lease/lease.ts";
import { RECOVERY_DIR } from "../../engine/manifest/layout.ts";
import type { MutationOp } from "../../engine/write/ops.ts";
import type { World } from "../world.ts";
import { RECONCILE_LABEL } from "./forks.ts";
import { type History, NO_EFFECT, type RowRef } from "./history.ts";

export interface LivenessProbe {
  /** A write that must succeed on the recovered graph. */
  readonly op: MutationOp;
  /** The row it creates, so the durability oracle holds it to its acknowledgement. */
  readonly row: RowRef;
}

export async function recoverAndCheckLiveness(world: World, history: History, probe: LivenessProbe): Promise<void> {
  // The restart comes after every crashed committer's lease has run out (under `ownerLease` a
  // live lease would rightly keep recovery away from its sidecar).
  await world.sleep(LEASE_TTL_MS + 1);
  world.failpoints.disarmAll();
  const env = world.env(world.process("restart"));
  let g: Omnigraph;
  try {
    g = await history.run("final read-write open", "open", NO_EFFECT, {}, () => Omnigraph.open(env, { name: "restart" }));
  } catch {
    return; // the op-policy oracle reports the failed open
  }
  for (const entry of g.snapshot.tables()) {
    const head = await env.storage.datasets.latestVersion(entry.path, null);
    if (head !== entry.version) {
      world.violation({
        kind: "drift-after-recovery",
        message: `after recovery ${entry.tableKey} has Lance HEAD ${head} but manifest pin ${entry.version}`,
        table: entry.tableKey,
        details: { head, pinned: entry.version },
      });
    }
  }
  const left = await env.storage.objects.list(RECOVERY_DIR);
  if (left.length > 0) {
    world.violation({ kind: "sidecar-after-recovery", message: `after recovery ${left.length} sidecar(s) remain: ${left.join(", ")}`, details: { sidecars: left } });
  }
  await history.attempt(
    "probe write after recovery",
    "mutate",
    { inserts: [probe.row], deletes: [], updates: [] },
    { mustSucceed: { violation: "wedged-write", why: "a write after recovery must go through" } },
    () => g.mutate([probe.op]),
  );
  // Where branches were made, the reconciler runs (cleanup's first half, which keeps old
  // versions); the judge then finds no fork and no lineage branch that no live branch can read.
  if (history.ops.some((op) => op.kind === "branchCreate")) {
    await history.attempt(RECONCILE_LABEL, "cleanup", NO_EFFECT, {}, () => g.reconcileOrphanedBranches());
  }
}
