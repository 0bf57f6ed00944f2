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
//   Lance commit: a dataset or `__manifest` version acknowledged, then gone), or a fault beyond
//   the fixed engine's stated assumptions (a latency that holds a caller past a lease), or the
//   root refuses every init after an init a fault struck while it created the graph (its outcome
//   unknown, it keeps its claim by design: `indeterminateInit`), documented in the README; the
//   universe reports it, it is never a silent pass;
// - anything else stands: the engine mishandled a fault (or has a bug a fault uncovered).
//
// Excused violations leave the verdict (an `excused` trace event says why) and are kept on the
// world for reports.
import { type History, isInit, type OpRecord } from "../oracles/history.ts";
import type { Violation } from "../violations.ts";
import type { World } from "../world.ts";
import type { StruckFault } from "./plan.ts";

export interface Excused {
  readonly violation: Violation;
  readonly as: "detected" | "limit";
  readonly why: string;
}

export function excuseFaults(world: World, history: History): void {
  const faults = [...world.inheritedFaults, ...(world.storageFaults?.struck ?? [])];
  if (faults.length === 0 || world.violations.length === 0) return;
  const limit = faults.find((f) => f.limit);
  const kept: Violation[] = [];
  for (const v of world.violations) {
    const excuse = limit ? { as: "limit" as const, why: `after ${describe(limit)}, ${limitReason(limit)}` } : (indeterminateInit(v, history, faults) ?? detected(v, history, faults));
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

/**
 * A limit of init's design: an init a storage fault struck while it created the graph's datasets
 * or manifest cannot know what it left, so it keeps its root claim and fails (upstream's
 * `InitializationIndeterminate`, omnigraph.rs `init_with_storage` at 62a9c3fe; `initTakeover`
 * never takes over an attempt that had begun its datasets). The root then refuses every init
 * until an operator decides: a `root-bricked` after that is this limit, reported as one.
 */
function indeterminateInit(v: Violation, history: History, faults: readonly StruckFault[]): Omit<Excused, "violation"> | null {
  if (v.kind !== "root-bricked") return null;
  for (const op of history.ops) {
    if (!isInit(op) || op.status !== "err") continue;
    const f = faults.find((f) => f.actor === op.actor.name && f.at >= op.start && (op.end === null || f.at <= op.end) && PHYSICAL_INIT_CALLS.has(f.op) && (f.kind === "error" || f.kind === "ack-loss"));
    if (f) return { as: "limit", why: `${op.label} suffered ${describe(f)} while creating the graph: its outcome unknown, it keeps its claim by design and the root waits for an operator` };
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

function limitReason(f: StruckFault): string {
  return f.kind === "latency"
    ? "a pause past the lease, beyond the fixed engine's stated assumption that a committer finishes within it"
    : "which no engine on this storage survives by design";
}

function describe(f: StruckFault): string {
  return `${/^[aeiou]/.test(f.kind) ? "an" : "a"} ${f.kind} fault on ${f.op}${f.subject ? ` ${f.subject}` : ""} (by ${f.actor})`;
}
