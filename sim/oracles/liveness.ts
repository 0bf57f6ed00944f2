// Liveness after the run: a new process opens the graph read-write. The open must succeed on
// recoverable state, and leave every table's Lance HEAD equal to its pin and `__recovery/`
// empty; then a write must go through (later writes are never wedged), without waiting on a
// lease no live process holds. Fail closed: anything this oracle cannot read is a violation.
//
// The restart waits first for what it may rightly wait for, read from storage by the
// oracles' own reader: the lease of a committer whose process crashed runs out (under
// `ownerLease` a live lease rightly keeps recovery away from its sidecar). It does not wait
// out a lease its holder left behind without a crash: it measures how long the open and the
// probe then wait, and any wait at all is a leaked lease.
//
// A root no init was acknowledged on (the harness's own history, never the engine's word) holds
// no acknowledged data, so its open may refuse, with a typed error only, and then the root must
// still take an init: a root that neither opens nor initializes is bricked (fail closed). A dead
// init's claim is waited out like a dead committer's lease.
import { isOmniError, type OmniErrorKind } from "../../engine/errors.ts";
import { INIT_CLAIM_FILE } from "../../engine/graph/fix502.ts";
import { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { RECOVERY_DIR } from "../../engine/manifest/layout.ts";
import type { Storage } from "../../engine/storage/types.ts";
import type { MutationOp } from "../../engine/write/ops.ts";
import type { World } from "../world.ts";
import { RECONCILE_LABEL } from "./forks.ts";
import { type History, NO_EFFECT, type RowRef } from "./history.ts";
import { noInitAcknowledged } from "./judge.ts";
import { isLeaked, LeaseHolders } from "./progress.ts";
import { decodeLeases, decodePins } from "./reader.ts";

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

/** When the lease of an init claim left at a root with no manifest runs out (virtual ms), if it has one. */
async function initClaimUntil(raw: Storage): Promise<number> {
  if (!(await raw.objects.exists(INIT_CLAIM_FILE))) return 0;
  let claim: { until_ms?: unknown };
  try {
    claim = JSON.parse(await raw.objects.get(INIT_CLAIM_FILE)) as { until_ms?: unknown };
  } catch (e) {
    // A claim a storage fault tore holds no lease anyone can read: nothing to wait for, and
    // the engine must still open the root or take an init (judged below).
    if (e instanceof SyntaxError) return 0;
    throw e;
  }
  const until = claim?.until_ms;
  return typeof until === "number" ? until : 0;
}

/** The graph handle the restart's operations run on. */
const RESTART = "restart";

/**
 * Virtual time the current actor spent asleep (waiting, as a lease poll does) since trace index
 * `from`. Each step costs a millisecond of virtual time too, so elapsed time is not the measure.
 */
function sleptSince(world: World, from: number): number {
  const me = world.sched.current?.name;
  let ms = 0;
  for (const ev of world.trace.since(from)) {
    const m = ev.e === "grant" && ev.actor === me ? /^sleep (\d+)ms$/.exec(ev.step) : null;
    if (m) ms += Number(m[1]);
  }
  return ms;
}

/** When the last lease the restart may rightly wait for runs out (virtual ms), if any. */
async function rightfulWaitUntil(world: World, raw: Storage): Promise<number> {
  if (!(await raw.manifest.exists())) return initClaimUntil(raw);
  const leases = decodeLeases((await raw.manifest.load(null)).rows);
  // A writer on a graph branch holds that branch's lease, in the branch's own manifest.
  for (const b of await raw.manifest.listBranches()) leases.push(...decodeLeases((await raw.manifest.load(b)).rows));
  const now = world.clock.now();
  const held = new LeaseHolders(world.trace.events()).held(leases, world.trace.length).filter((h) => h.lease.untilMs > now && !isLeaked(h));
  return Math.max(0, ...held.map((h) => h.lease.untilMs));
}

export async function recoverAndCheckLiveness(world: World, history: History, probe: LivenessProbe): Promise<void> {
  world.failpoints.disarmAll();
  // The restart's reads go through its own process's storage: scheduled and traced like any
  // other call (on Lance a raw read here would be I/O the world does not own).
  const env = world.env(world.process(RESTART));
  const raw = env.storage;
  const unreadable = (what: string, e: unknown) =>
    world.violation({ kind: "final-state-unreadable", message: `${what}: ${e instanceof Error ? e.message : String(e)}`, details: { error: e instanceof Error ? e.name : "thrown" } });
  try {
    const until = await rightfulWaitUntil(world, raw);
    if (until >= world.clock.now()) await world.sleep(until - world.clock.now() + 1);
  } catch (e) {
    unreadable("the restart could not read the leases", e);
  }
  // A root where no init was acknowledged may hold no graph at all: then the open may refuse
  // with a typed error (below), and the root must still take an init.
  const noInit = noInitAcknowledged(history);
  const started = world.trace.length;
  const open = () => Omnigraph.open(env, { name: RESTART });
  const mustOpen = { mustSucceed: { violation: "open-failed" as const, why: "a read-write open must succeed on recoverable state" } };
  let g: Omnigraph;
  try {
    g = await history.run("final read-write open", "open", NO_EFFECT, noInit ? { allow: NEVER_INITIALIZED_OPEN_MAY_FAIL } : mustOpen, open, { handle: RESTART });
  } catch (e) {
    // The op-policy oracle judges a failed open it does not allow (fail closed). An allowed
    // refusal of a root no acknowledged init made stands only if the root still takes an init.
    if (!noInit || !isOmniError(e) || !NEVER_INITIALIZED_OPEN_MAY_FAIL.includes(e.kind)) return;
    const mustInit = { mustSucceed: { violation: "root-bricked" as const, why: "a root no acknowledged init made a graph of must still take an init" } };
    const fresh = await history.attempt("init after a never-acknowledged init", "open", NO_EFFECT, mustInit, () => Omnigraph.init(env, probe.schema, { name: RESTART }), { handle: RESTART });
    if (!fresh) return;
    g = fresh;
  }
  try {
    const pins = decodePins((await raw.manifest.load(null)).rows);
    for (const pin of pins) {
      const head = await raw.datasets.latestVersion(pin.path, null);
      if (head !== pin.version) {
        world.violation({
          kind: "drift-after-recovery",
          message: `after recovery ${pin.tableKey} has Lance HEAD ${head} but manifest pin ${pin.version}`,
          table: pin.tableKey,
          details: { head, pinned: pin.version },
        });
      }
    }
    const left = await raw.objects.list(RECOVERY_DIR);
    if (left.length > 0) {
      world.violation({ kind: "sidecar-after-recovery", message: `after recovery ${left.length} sidecar(s) remain: ${left.join(", ")}`, details: { sidecars: left } });
    }
  } catch (e) {
    unreadable("after the restart's open the recovered state could not be read", e);
  }
  await history.attempt(
    "probe write after recovery",
    "mutate",
    { inserts: [probe.row], deletes: [], updates: [] },
    { mustSucceed: { violation: "wedged-write", why: "a write after recovery must go through" } },
    () => g.mutate([probe.op]),
    { handle: RESTART },
  );
  const waited = sleptSince(world, started);
  if (waited > 0) {
    world.violation({
      kind: "progress-blocked",
      message: `the restart's open and probe write waited ${waited} ms of virtual time, on a lease no live process holds`,
      details: { waitedMs: waited },
    });
  }
  // Where branches were made, the reconciler runs (cleanup's first half, which keeps old
  // versions); the judge then finds no fork and no lineage branch that no live branch can read.
  if (history.ops.some((op) => op.kind === "branchCreate")) {
    await history.attempt(RECONCILE_LABEL, "cleanup", NO_EFFECT, {}, () => g.reconcileOrphanedBranches());
  }
}
