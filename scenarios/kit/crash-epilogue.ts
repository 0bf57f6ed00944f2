// What follows a crash, for crash-state enumeration (`sim/cuts/`): the history as the cut left
// it, a recovering process that opens the graph (itself cut at each of its durable writes, the
// double faults of upstream's `recovery_crash`), then the ending every universe has: a fresh
// read-write open and the liveness probe (`recoverAndCheckLiveness`); the scenario's oracles
// judge the fork afterwards.
import { LEASE_TTL_MS } from "../../engine/lease/lease.ts";
import { MAX_CUT_DEPTH, type CrashState } from "../../sim/cuts/crash-state.ts";
import { History, type OpRecord } from "../../sim/oracles/history.ts";
import type { JudgeContext, Oracle } from "../../sim/oracles/context.ts";
import { ORACLES } from "../../sim/oracles/judge.ts";
import { type LivenessProbe, recoverAndCheckLiveness } from "../../sim/oracles/liveness.ts";
import type { World } from "../../sim/world.ts";
import { Client } from "./client.ts";

/**
 * `from`'s history as it stood `traceLength` events in: operations begun by then, each as it
 * ended if it had, else still pending (its actor died at the cut: the oracles judge it as a
 * crashed operation, all or nothing, never acknowledged).
 */
export function historyAtCut(from: History, world: World, traceLength: number): History {
  const history = new History(world);
  for (const op of from.ops) {
    if (op.start >= traceLength) continue;
    const ended = op.end !== null && op.end <= traceLength;
    history.ops.push(ended ? { ...op } : pendingCopy(op));
  }
  return history;
}

function pendingCopy(op: OpRecord): OpRecord {
  return { ...op, end: null, status: "pending", errorKind: null, errorMessage: null, errorTable: null };
}

/** The name of the recovering process of a future (its writes are the double faults' cuts). */
export const RECOVERING_PROCESS = "recover";

/** The future of a crash state: recovery (cut in turn, above depth 1), then the usual ending. */
export async function afterCrash(world: World, history: History, state: CrashState, probe: LivenessProbe): Promise<void> {
  if (state.name.length < MAX_CUT_DEPTH) {
    // A crashed committer's lease must run out before anyone may recover its work (`ownerLease`).
    await world.sleep(LEASE_TTL_MS + 1);
    const proc = world.process(RECOVERING_PROCESS, { crashable: true });
    world.cuts?.resume();
    const recovering = world.spawn(proc, RECOVERING_PROCESS, () => Client.open({ world, history }, proc, RECOVERING_PROCESS));
    await world.join(recovering);
    world.cuts?.pause();
  }
  await recoverAndCheckLiveness(world, history, probe);
}

/**
 * Where a future's judgement starts: a crash state's future is judged on the snapshots published
 * from the last one before its cut on, or from the start of the oldest operation still running
 * at the cut if that came earlier (a crashed operation is all or nothing in every snapshot since
 * it began). The snapshots before that are the universe's own, judged once, with its whole
 * history, by the future of its `end` state (which judges everything). A fork's history is
 * shorter, so judging them again could only add one finding: an acknowledged row missing from
 * such a snapshot that the whole history excuses because a later operation touches the row, a
 * fault of the uncut run itself, not of any crash. The cost of a state is then its own future,
 * not the length of the run it was cut from.
 */
export function judgedFrom(state: CrashState, history: History): number {
  if (state.write === null && state.name.length === 1) return 0;
  let from = state.traceLength;
  for (const op of history.ops) if (op.status === "pending" && op.start < from) from = op.start;
  return from;
}

/** The standard oracles, each shown only the snapshots from trace index `from` on (and the one standing there). */
export function oraclesFrom(from: number, oracles: Readonly<Record<string, Oracle>> = ORACLES): Record<string, Oracle> {
  if (from === 0) return { ...oracles };
  const restrict = (ctx: JudgeContext): JudgeContext => {
    const standing = ctx.snapshots.findLastIndex((s) => s.at < from);
    return standing <= 0 ? ctx : { ...ctx, snapshots: ctx.snapshots.slice(standing) };
  };
  return Object.fromEntries(Object.entries(oracles).map(([name, oracle]) => [name, (ctx: JudgeContext) => oracle(restrict(ctx))]));
}
