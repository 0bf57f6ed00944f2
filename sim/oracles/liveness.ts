// Liveness after the run: a new process opens the graph read-write. The open must succeed on
// recoverable state, and leave every table's Lance HEAD equal to its pin and `__recovery/`
// empty; then a write must go through (later writes are never wedged).
//
// A root no init was acknowledged on (the harness's own history, never the engine's word) holds
// no acknowledged data, so its open may refuse, with a typed error only, and then the root must
// still take an init: a root that neither opens nor initializes is bricked (fail closed).
import { isOmniError, type OmniErrorKind } from "../../engine/errors.ts";
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
  /** A schema with the probe's type: what the restart initializes a root no acknowledged init made with. */
  readonly schema: string;
}

/** Typed refusals an open of a root no acknowledged init made may end with (a missing manifest). */
const NEVER_INITIALIZED_OPEN_MAY_FAIL: readonly OmniErrorKind[] = ["StorageFailure"];

/** Whether the history holds an init that succeeded (the kit records inits as `init <name>`). */
function initAcknowledged(history: History): boolean {
  return history.ops.some((o) => o.kind === "open" && o.label.startsWith("init ") && o.status === "ok");
}

export async function recoverAndCheckLiveness(world: World, history: History, probe: LivenessProbe): Promise<void> {
  // The restart comes after every crashed committer's lease has run out (under `ownerLease` a
  // live lease would rightly keep recovery away from its sidecar).
  await world.sleep(LEASE_TTL_MS + 1);
  world.failpoints.disarmAll();
  const env = world.env(world.process("restart"));
  const neverInitialized = !initAcknowledged(history);
  let g: Omnigraph;
  try {
    g = await history.run("final read-write open", "open", NO_EFFECT, neverInitialized ? { allow: NEVER_INITIALIZED_OPEN_MAY_FAIL } : {}, () =>
      Omnigraph.open(env, { name: "restart" }),
    );
  } catch (e) {
    // The op-policy oracle reports a failed open it does not allow; an allowed refusal of a
    // never-initialized root stands only if the root still takes an init.
    if (!neverInitialized || !isOmniError(e) || !NEVER_INITIALIZED_OPEN_MAY_FAIL.includes(e.kind)) return;
    const mustInit = { mustSucceed: { violation: "root-bricked" as const, why: "a root no acknowledged init made a graph of must still take an init" } };
    const fresh = await history.attempt("init after a never-acknowledged init", "open", NO_EFFECT, mustInit, () => Omnigraph.init(env, probe.schema, { name: "restart" }));
    if (!fresh) return;
    g = fresh;
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
