// "Detected or harmless": how the oracles' verdict on a universe with storage faults is read.
// The oracles judge a faulted universe exactly as any other (an acknowledged write is never lost,
// a failed operation is all or nothing, a fresh open after the faults stop recovers, later writes
// go through); then each violation is held against the faults that struck:
//
// - detected: the operation the violation is about failed, and either a fault struck that very
//   operation (the caller saw an error, or a fault it could not see made it refuse to go on), or
//   its error names a file a fault damaged (a torn or misdirected object, a lost one): refused
//   loudly, with a typed error naming the file;
// - limit: the universe suffered a fault no engine on this storage survives by design (a lost
//   Lance commit: a dataset or `__manifest` version acknowledged, then gone; a stale read of a
//   dataset's HEAD that hid a Lance commit from its reader), or the violation is what a
//   committer held past its lease (a latency beyond the fixed engine's stated assumptions) does
//   by design (`pausedCommitter`: its own operation's fate, its unfenced late writes), or the
//   root refuses every init after an init a fault struck while it created the graph (its outcome
//   unknown, it keeps its claim by design: `indeterminateInit`; a storage fault on a physical
//   call, or an error or crash at `init.table_create_ack_lost`, the failpoint right after a
//   table's durable Create), documented in the README; the universe reports it, it is never a
//   silent pass (and the init must still have kept its claim and schema files: the
//   `indeterminate-init-undone` oracle, which nothing here excuses);
// - anything else stands: the engine mishandled a fault (or has a bug a fault uncovered).
//
// Excused violations leave the verdict (an `excused` trace event says why) and are kept on the
// world for reports.
import { type History, isInit, type OpRecord } from "../oracles/history.ts";
import type { Violation, ViolationKind } from "../violations.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import { SCHEMA_CONTRACT_FILES, SCHEMA_CONTRACT_STAGING_FILES } from "../../engine/schema/contract.ts";
import { GRAPH_COMMIT_RECOVERIES, SCHEMA_APPLY_LOCK_BRANCH } from "../../engine/manifest/layout.ts";
import { leaseObjectId } from "../../engine/lease/lease.ts";
import { resultAt } from "../oracles/took-effect.ts";
import { operationAt } from "../oracles/sidecars.ts";
import { FP } from "../../failpoints/catalog.ts";
import type { TraceEvent } from "../trace.ts";
import type { World } from "../world.ts";
import type { StruckFault } from "./plan.ts";
import { INIT_CLAIM_FILE } from "../../engine/graph/fix502.ts";
import { stolenInitClaim } from "./stolen-init-claim.ts";

export interface Excused {
  readonly violation: Violation;
  readonly as: "detected" | "limit";
  readonly why: string;
}

export function excuseFaults(world: World, history: History): void {
  const faults = [...world.inheritedFaults, ...(world.storageFaults?.struck ?? [])];
  const events = world.trace.events();
  const physical = physicalInitFailpointFaults(events);
  const stalls = stallsOf(events);
  if ((faults.length === 0 && physical.length === 0 && stalls.length === 0) || world.violations.length === 0) return;
  // A lost commit breaks the store's own contract: nothing after it can be judged. A pause past
  // the lease excuses only what its paused committer does by design (`pausedCommitter`).
  const limit = faults.find((f) => f.limit && f.kind !== "latency");
  const pauses: Pause[] = [...faults.filter((f) => f.limit && f.kind === "latency"), ...stalls];
  // The harness's own reading of the end state: the schema files do not form one contract.
  const schemaBroken = world.violations.some((v) => v.kind === "schema-files-disagree");
  const kept: Violation[] = [];
  for (const v of world.violations) {
    const excuse = limit
      ? { as: "limit" as const, why: `after ${describe(limit)}, ${limitReason(limit)}` }
      : (indeterminateInit(v, history, faults, physical) ?? detected(v, history, faults) ?? refusedLeftover(v, history, faults) ?? pausedCommitter(v, history, events, pauses, world.fixes.ownInitClaimRelease, schemaBroken));
    if (!excuse) {
      kept.push(v);
      continue;
    }
    world.excused.push({ violation: v, ...excuse });
    world.trace.emit({ e: "excused", violation: v.kind, as: excuse.as, why: excuse.why });
  }
  world.violations.splice(0, world.violations.length, ...kept);
}

/** The calls of init's physical phase: the graph's datasets and its manifest. */
const PHYSICAL_INIT_CALLS: ReadonlySet<string> = new Set(["datasets.create", "manifest.create"]);

/** The failpoints of init's physical phase: right after a table's durable Create (#502 named it for a lost acknowledgement). */
const PHYSICAL_INIT_FAILPOINTS: ReadonlySet<string> = new Set<string>([FP.INIT_TABLE_CREATE_ACK_LOST]);

/** An error or crash at a failpoint of init's physical phase: who, which, and where in the trace. */
interface PhysicalInitFault {
  readonly actor: string;
  readonly name: string;
  readonly decision: string;
  readonly at: number;
}

function physicalInitFailpointFaults(events: readonly TraceEvent[]): PhysicalInitFault[] {
  const out: PhysicalInitFault[] = [];
  events.forEach((ev, at) => {
    if (ev.e === "failpoint" && PHYSICAL_INIT_FAILPOINTS.has(ev.name) && (ev.decision === "error" || ev.decision === "crash")) out.push({ actor: ev.actor, name: ev.name, decision: ev.decision, at });
  });
  return out;
}

/**
 * A limit of init's design: an init a storage fault struck while it created the graph's datasets
 * or manifest, or one failed or killed at the failpoint after a table's durable Create, cannot
 * know what it left, so it keeps its root claim and fails (upstream's
 * `InitializationIndeterminate`, omnigraph.rs `init_with_storage` at 62a9c3fe; `initTakeover`
 * never takes over an attempt that had begun its datasets). The root then refuses every init
 * until an operator decides: a `root-bricked` after that is this limit, reported as one.
 */
function indeterminateInit(v: Violation, history: History, faults: readonly StruckFault[], physical: readonly PhysicalInitFault[]): Omit<Excused, "violation"> | null {
  if (v.kind !== "root-bricked") return null;
  for (const op of history.ops) {
    if (!isInit(op) || op.status === "ok") continue;
    const within = (at: number) => at >= op.start && (op.end === null || at <= op.end);
    if (op.status === "err") {
      const f = faults.find((f) => f.actor === op.actor.name && within(f.at) && PHYSICAL_INIT_CALLS.has(f.op) && (f.kind === "error" || f.kind === "ack-loss"));
      if (f) return { as: "limit", why: `${op.label} suffered ${describe(f)} while creating the graph: its outcome unknown, it keeps its claim by design and the root waits for an operator` };
    }
    // A crashed init's operation never ends (pending): the failpoint's crash is in its window.
    const p = physical.find((p) => p.actor === op.actor.name && within(p.at));
    if (p) return { as: "limit", why: `${op.label} met an injected ${p.decision} at ${p.name}, after a table's durable Create: its outcome unknown, it keeps its claim by design and the root waits for an operator` };
  }
  return null;
}

function detected(v: Violation, history: History, faults: readonly StruckFault[]): Omit<Excused, "violation"> | null {
  // A violation names its operation by label and actor, and an actor may run the same label
  // many times: any of its failed runs a fault explains will do.
  for (const op of failedOperations(history, v)) {
    const excuse = detectedIn(op, faults);
    if (excuse) return excuse;
  }
  return null;
}

/**
 * Schema staging copies that outlived recovery because recovery would neither promote nor discard
 * a copy a fault damaged (schema evolution locked down for an operator, by design) are detected
 * when every copy left is one a fault damaged and an operation failed naming it: the engine kept
 * the damaged file and refused loudly (schema-apply-pauses seed 747 with `--faults all` on fixed:
 * a lost delete left a torn `__schema_state.json.staging` behind a failed apply).
 */
function refusedLeftover(v: Violation, history: History, faults: readonly StruckFault[]): Omit<Excused, "violation"> | null {
  const staging = v.kind === "schema-files-disagree" ? v.details?.["staging"] : undefined;
  if (!Array.isArray(staging) || staging.length === 0) return null;
  const why: string[] = [];
  for (const key of staging) {
    if (typeof key !== "string") return null;
    const fault = faults.find((f) => f.damaged.includes(key));
    const refused = history.ops.find((o) => o.status === "err" && o.errorMessage?.includes(key));
    if (!fault || !refused) return null;
    why.push(`${key}, damaged by ${describe(fault)}, refused by ${refused.label} (${refused.errorKind})`);
  }
  return { as: "detected", why: `kept and refused loudly: ${why.join("; ")}` };
}

function detectedIn(op: OpRecord, faults: readonly StruckFault[]): Omit<Excused, "violation"> | null {
  // Its own: struck by its actor, or by a helper its operation spawned in the same process, while it ran.
  const own = faults.find((f) => (f.actor === op.actor.name || f.proc === op.actor.proc.name) && f.at >= op.start && (op.end === null || f.at <= op.end));
  if (own) return { as: "detected", why: `${op.label} suffered ${describe(own)} and failed (${op.errorKind})` };
  const named = faults.find((f) => f.damaged.some((key) => op.errorMessage?.includes(key)));
  if (named) return { as: "detected", why: `${op.label} refused a file damaged by ${describe(named)} (${op.errorKind})` };
  return null;
}

/** The failed runs of the operation a violation is about (its label and actor name it). */
function failedOperations(history: History, v: Violation): OpRecord[] {
  if (!v.op) return [];
  const runs = history.ops.filter((o) => o.status === "err" && o.label === v.op!.label && o.actor.name === v.op!.actor);
  // The runs whose error the violation quotes, when it quotes one.
  const quoted = runs.filter((o) => o.errorMessage !== null && v.message.includes(o.errorMessage));
  return quoted.length > 0 ? quoted : runs;
}

/**
 * A pause: a latency fault past the lease, or a stall (the scheduler kept a runnable actor
 * ungranted past the lease while the others' steps moved the clock; noted only under
 * `ownerLease`, whose committers are assumed to finish within their lease).
 */
type Pause = StruckFault & { readonly stalledMs?: number };

/** Each `stall` the scheduler noted, as a pause struck just before the step it held up. */
function stallsOf(events: readonly TraceEvent[]): Pause[] {
  const out: Pause[] = [];
  events.forEach((ev, at) => {
    if (ev.e === "stall") out.push({ kind: "latency", op: ev.step, subject: "", actor: ev.actor, proc: ev.proc, at, damaged: [], limit: true, stalledMs: ev.ms });
  });
  return out;
}

/**
 * A pause past the lease (a latency fault longer than it) is beyond the fixed engine's stated
 * assumption that a committer finishes within its lease; but the lease still fences every
 * publish, and storage fences nothing else. So what its paused committer may do by design is
 * narrow, and only that is excused:
 *
 * - whatever befalls the paused operation itself (it fails with `LeaseLost`, its sidecar is
 *   recovered while it lives, its audit no longer matches what it went on to do), unless it
 *   published after another committer wrote its lease: then the fence failed, and nothing about
 *   it is a limit, nor is anything it wrote after that publish (a fenced publish fails: its
 *   operation never goes on to promote staging files or delete its sidecar);
 * - what its writes after the pause, which no lease fences, do: a dataset commit (drift a later
 *   operation trips on, a conflict it causes, an audit row appended twice), an object written or
 *   deleted (a violation naming that file; schema contract files a late schema apply or init
 *   left for recovery to judge), the schema-apply lock branch it deletes (that lock records no
 *   owner, so a late apply's delete takes its successor's lock).
 *
 * Anything else stands: a second committer let into a live holder's section (a late release that
 * freed someone else's lease), a publish through an expired fence, a bug the pause uncovered.
 * With `ownInitClaimRelease` (`ownRelease`) that includes a paused init's late delete of its
 * successor's init claim, unless the pause struck that delete itself (the fix's residual window):
 * then neither what the root is left with nor a violation naming the claim is excused.
 */
function pausedCommitter(v: Violation, history: History, events: readonly TraceEvent[], pauses: readonly Pause[], ownRelease: boolean, schemaBroken: boolean): Omit<Excused, "violation"> | null {
  for (const f of pauses) {
    const why = `after ${describe(f)}, ${limitReason(f)}`;
    const running = pausedOperations(history, events, f).map((op) => ({ op, unfencedAt: publishAfterTakeover(events, op, f) }));
    const paused = running.filter((r) => r.unfencedAt === null).map((r) => r.op);
    const unfenced = running.flatMap((r) => (r.unfencedAt === null ? [] : [r.unfencedAt]));
    const about = paused.find((op) => concerns(v, op, f));
    if (about) return { as: "limit", why: `${why}: about the paused ${about.label} itself` };
    const stolen = ownRelease ? stolenInitClaim(events, f) : null;
    const stoleClaim = stolen !== null && !stolen.pausedDelete;
    const init = paused.find(isInit);
    if (init && !stoleClaim && INIT_TAKEOVER_CONSEQUENCES.has(v.kind)) return { as: "limit", why: `${why}: ${init.label} paused past its init claim (initTakeover takes the root over, by design${stolen ? "; the pause struck its release's delete, after its read: ownInitClaimRelease's residual window" : ""})` };
    // Writes after a publish through a lapsed fence follow from the fence's failure, not from
    // the pause: a fenced publish fails, and its operation never makes them.
    const late = lateWrites(events, f, unfenced.length > 0 ? Math.min(...unfenced) : events.length);
    if (stoleClaim) late.objects.delete(INIT_CLAIM_FILE);
    const what = lateCause(v, late, schemaBroken);
    if (what) return { as: "limit", why: `${why}: its unfenced ${what} after the pause` };
  }
  return null;
}

/** Whether `v` is about `op`: names it, or is the recovery of its sidecar (its own, or the struck helper's) while it ran. */
function concerns(v: Violation, op: OpRecord, f: StruckFault): boolean {
  if (v.kind === "live-sidecar-deleted") return v.details?.["owner"] === op.label && (v.details?.["writer"] === op.actor.name || v.details?.["writer"] === f.actor);
  return v.op !== undefined && op.label === v.op.label && op.actor.name === v.op.actor;
}

/**
 * An init paused past its claim's lease is taken over (`initTakeover`, docs/fixes.md "What the
 * fixed engine assumes": it may find its schema files taken over, and its late cleanup meets the
 * successor's files and claim): what that leaves at the root.
 */
const INIT_TAKEOVER_CONSEQUENCES: ReadonlySet<ViolationKind> = new Set<ViolationKind>(["root-bricked", "open-failed", "schema-files-disagree", "final-state-unreadable"]);

/**
 * What a dataset commit no lease fenced can do to its table: drift later operations and recovery
 * trip on, and, once a publish registers that drift (an index build publishes its table's HEAD),
 * rows checked against the snapshot before the pause (an edge past its @card, an endpoint gone).
 * On a table another committer's sidecar pins, Lance's history does not say whose commit it is:
 * recovery rolls that committer forward over the late commit and audits it as the committer's
 * (`audit-mismatch`; lost-sidecar-write seed 304 with `--faults all` on fixed).
 */
const DRIFT_CONSEQUENCES: ReadonlySet<ViolationKind> = new Set<ViolationKind>(["drift-after-recovery", "wedged-write", "spurious-conflict", "maintenance-failed", "unexpected-error", "card-violated", "dangling-edge", "audit-mismatch"]);

const SCHEMA_FILES: ReadonlySet<string> = new Set([...SCHEMA_CONTRACT_FILES, ...SCHEMA_CONTRACT_STAGING_FILES]);

/**
 * Which late write of the paused actor `v` follows from, if any; `schemaBroken`: the end state's
 * schema files do not form one contract (the schema-agreement oracle said so).
 */
function lateCause(v: Violation, late: LateWrites, schemaBroken: boolean): string | null {
  if (v.table !== undefined && DRIFT_CONSEQUENCES.has(v.kind) && late.datasets.has(tablePathForTableKey(v.table))) return `commit on ${v.table}`;
  if (v.kind === "audit-duplicated" && late.datasets.has(GRAPH_COMMIT_RECOVERIES)) return "recovery audit append";
  const named = [...late.objects].find((key) => v.message.includes(key));
  if (named) return `write of ${named}`;
  const schema = [...late.objects].find((key) => SCHEMA_FILES.has(key));
  // A late promotion racing its successor's discard leaves a contract recovery refuses: as
  // invalid, or, under a confirmed SchemaApply sidecar, as a live identity that is not its target
  // (random-workload seed 1212 with `--faults all` on fixed, RecoveryRequired), read from the end
  // state the oracles found broken, not from the error's text.
  if (schema && (v.kind === "schema-files-disagree" || v.errorKind === "SchemaContractInvalid" || (v.errorKind === "RecoveryRequired" && schemaBroken))) return `write of ${schema}`;
  return null;
}

/**
 * The operations a pause held up: the struck actor's own running at the fault, or, a helper
 * struck (an optimize's table worker), the operation that spawned it; not every operation of its
 * process (random-workload seed 1059: a worker stalled before its start held up no insert of
 * another actor of its process).
 */
function pausedOperations(history: History, events: readonly TraceEvent[], f: StruckFault): OpRecord[] {
  const own = history.ops.filter((op) => op.actor.name === f.actor && op.start <= f.at && (op.end === null || f.at <= op.end));
  if (own.length > 0) return own;
  const spawner = operationAt(history, events, f.actor, f.at);
  return spawner ? [spawner] : [];
}

const DATASET_WRITES: ReadonlySet<string> = new Set(["datasets.commit", "datasets.restore", "datasets.create"]);
const OBJECT_WRITES: ReadonlySet<string> = new Set(["objects.put", "objects.putIfAbsent", "objects.copy", "objects.delete"]);
/** The schema-apply lock is a manifest branch that records no owner (upstream's design): its late delete cannot be fenced. */
const LOCK_WRITES: ReadonlySet<string> = new Set(["manifest.createBranch", "manifest.deleteBranch"]);

interface LateWrites {
  readonly datasets: ReadonlySet<string>;
  readonly objects: Set<string>;
}

/** What the paused actor wrote after its pause (the fault's event comes just before the call), before trace index `until`. */
function lateWrites(events: readonly TraceEvent[], f: StruckFault, until: number): LateWrites {
  const datasets = new Set<string>();
  const objects = new Set<string>();
  for (let i = f.at + 1; i < until && i < events.length; i++) {
    const ev = events[i]!;
    if (ev.e !== "io" || ev.actor !== f.actor || !resultAt(events, i)) continue;
    const { path, key, name } = ev.args as { path?: unknown; key?: unknown; name?: unknown };
    if (DATASET_WRITES.has(ev.op) && typeof path === "string") datasets.add(path);
    if (OBJECT_WRITES.has(ev.op) && typeof key === "string") objects.add(key);
    if (LOCK_WRITES.has(ev.op) && name === SCHEMA_APPLY_LOCK_BRANCH) objects.add(name);
  }
  return { datasets, objects };
}

const LEASE_PREFIX = leaseObjectId("");

/**
 * Where the paused operation (its actor, or the struck helper) first published after another
 * actor wrote the lease it re-asserts, if it did (its trace index): every publish carries its
 * lease row (the fence), so the last writer of that row before a publish must be the publisher
 * itself; a publish after someone else's takeover went through a fence that had lapsed.
 */
function publishAfterTakeover(events: readonly TraceEvent[], op: OpRecord, f: StruckFault): number | null {
  const publishers = new Set([op.actor.name, f.actor]);
  const lastWriter = new Map<string, string>();
  const end = op.end ?? events.length;
  for (let i = 0; i < end && i < events.length; i++) {
    const ev = events[i]!;
    if (ev.e !== "io" || ev.op !== "manifest.merge" || !resultAt(events, i)) continue;
    const rows = (ev.args as { rows?: unknown }).rows;
    if (!Array.isArray(rows)) continue;
    const leases = rows.filter((r): r is string => typeof r === "string" && r.startsWith(LEASE_PREFIX));
    const publishes = leases.length > 0 && rows.length > leases.length;
    if (publishes && i > f.at && publishers.has(ev.actor) && leases.some((l) => !publishers.has(lastWriter.get(l) ?? ev.actor))) return i;
    for (const l of leases) lastWriter.set(l, ev.actor);
  }
  return null;
}

function limitReason(f: StruckFault): string {
  switch (f.kind) {
    case "latency":
      return "a pause past the lease, beyond the fixed engine's stated assumption that a committer finishes within it";
    case "stale":
      return "which hid a Lance commit: beyond the store contract the engines assume (a listing of a dataset's versions sees every commit made before it), nothing a recovery reads tells a writer that never committed from one whose commit the store hides";
    default:
      return "which no engine on this storage survives by design";
  }
}

function describe(f: Pause): string {
  if (f.stalledMs !== undefined) return `a stall of ${f.stalledMs.toLocaleString("en-US")} ms before ${f.op} (by ${f.actor}: runnable, not granted)`;
  return `${/^[aeiou]/.test(f.kind) ? "an" : "a"} ${f.kind} fault on ${f.op}${f.subject ? ` ${f.subject}` : ""} (by ${f.actor})`;
}
