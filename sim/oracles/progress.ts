// Progress: no operation waits on a lease that no live process holds. A lease (the `ownerLease`
// fix's manifest row) is held by whoever last wrote its row with an owner; waiting on it is right
// while that holder runs (it will release it) or after its process crashed (the lease runs out:
// that is the protocol's promise). A holder that ended without giving it back leaked it: every
// later committer waits out the lease's whole lifetime for nobody. The oracle reads the lease
// rows with its own reader and the holders from the trace; the liveness oracle measures the
// restart's wait the same way (see `liveness.ts`).
import type { TraceEvent } from "../trace.ts";
import type { Violation } from "../violations.ts";
import type { JudgeContext } from "./context.ts";
import { operationAt, actorEnds } from "./sidecars.ts";
import type { LeaseRecord } from "./reader.ts";
import { violationOp } from "./history.ts";
import { resultAt } from "./took-effect.ts";
import { prefixIndexed, type TraceScan } from "../trace-prefix.ts";

/** A held lease and the actor that took it (the last to write its row before `at`). */
export interface HeldLease {
  readonly lease: LeaseRecord;
  readonly holder: string | null;
  /** How the holder's life ended before `at`, if it did. */
  readonly holderEnded: { readonly at: number; readonly crashed: boolean } | null;
}

/** Every merge of a lease row (on any branch's manifest): where, by whom, which resource, in trace order. */
const leaseRowMerges: TraceScan<{ at: number; actor: string; resource: string }> = (events, from, to) => {
  const out: { at: number; actor: string; resource: string }[] = [];
  for (let i = from; i < to; i++) {
    const ev = events[i]!;
    if (ev.e !== "io" || ev.op !== "manifest.merge" || !resultAt(events, i)) continue;
    const args = ev.args as { branch?: unknown; rows?: unknown };
    // Any branch's manifest: each branch's lease row has its own resource name.
    if (!Array.isArray(args.rows)) continue;
    for (const id of args.rows) {
      if (typeof id !== "string" || !id.startsWith("lease:")) continue;
      out.push({ at: i, actor: ev.actor, resource: id.slice("lease:".length) });
    }
  }
  return out;
};

/** Every merge of a lease row, by resource, in trace order. */
function leaseMerges(events: readonly TraceEvent[]): Map<string, { at: number; actor: string }[]> {
  const out = new Map<string, { at: number; actor: string }[]>();
  for (const m of prefixIndexed(events, leaseRowMerges)) {
    let list = out.get(m.resource);
    if (!list) out.set(m.resource, (list = []));
    list.push(m);
  }
  return out;
}

/** Every step a non-director actor took out of a sleep (a wait on a lease, among others). */
const sleepGrants: TraceScan<{ at: number; actor: string }> = (events, from, to) => {
  const out: { at: number; actor: string }[] = [];
  for (let i = from; i < to; i++) {
    const ev = events[i]!;
    if (ev.e === "grant" && ev.step.startsWith("sleep ") && ev.actor !== "director") out.push({ at: i, actor: ev.actor });
  }
  return out;
};

/** Reads the holders of leases at any trace index (the indexes are built once per trace). */
export class LeaseHolders {
  private readonly merges: Map<string, { at: number; actor: string }[]>;
  private readonly ends: Map<string, { at: number; crashed: boolean }>;

  constructor(events: readonly TraceEvent[]) {
    this.merges = leaseMerges(events);
    this.ends = actorEnds(events);
  }

  /** Each lease with an owner in `leases`, with its holder (the last to merge its row before `at`). */
  held(leases: readonly LeaseRecord[], at: number): HeldLease[] {
    return leases
      .filter((l) => l.owner !== null)
      .map((lease) => {
        const holder = lastBefore(this.merges.get(lease.resource), at)?.actor ?? null;
        const end = holder === null ? undefined : this.ends.get(holder);
        return { lease, holder, holderEnded: end && end.at < at ? end : null };
      });
  }
}

/** The last of `merges` (in trace order) before index `at`: a binary search (a universe merges its lease rows thousands of times). */
function lastBefore<T extends { readonly at: number }>(merges: readonly T[] | undefined, at: number): T | undefined {
  if (!merges) return undefined;
  let lo = 0;
  let hi = merges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (merges[mid]!.at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? merges[lo - 1] : undefined;
}

/** A lease its holder left behind without a crash: nobody will ever release it. */
export function isLeaked(h: HeldLease): boolean {
  return h.holderEnded !== null && !h.holderEnded.crashed;
}

export function leasesHeldByTheLiving(ctx: Pick<JudgeContext, "events" | "history" | "manifests">): Violation[] {
  const out: Violation[] = [];
  const reported = new Set<string>();
  const holders = new LeaseHolders(ctx.events);
  let m = 0;
  for (const { at: i, actor } of prefixIndexed(ctx.events, sleepGrants)) {
    // The manifest version current at i (versions come in trace order).
    while (m + 1 < ctx.manifests.length && ctx.manifests[m + 1]!.at < i) m++;
    const current = ctx.manifests[m];
    const leases = current && current.at < i ? current.leases : [];
    for (const h of holders.held(leases, i)) {
      if (!isLeaked(h) || h.holder === actor) continue;
      const key = `${actor}:${h.lease.resource}:${h.lease.owner}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const op = operationAt(ctx.history, ctx.events, actor, i);
      out.push({
        kind: "progress-blocked",
        message: `${actor} waits on lease ${h.lease.resource}, held by ${h.lease.owner}, whose holder ${h.holder} ended without releasing it`,
        ...(op ? { op: violationOp(op) } : {}),
        details: { resource: h.lease.resource, owner: h.lease.owner, holder: h.holder },
      });
    }
  }
  return out;
}
