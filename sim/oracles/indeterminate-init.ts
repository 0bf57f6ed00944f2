// An init whose outcome is unknown keeps its claim and its schema files (#502, `426c7b96`;
// upstream's `init_table_create_lost_ack_preserves_claim_and_schema`, failpoints.rs at
// 62a9c3fe). Once one of its dataset Creates is durable, a failed init cannot know what it left:
// a retry would collide with its tables, and a cleanup would let another init (or a forced one)
// write a contract over them. So it must fail leaving `_schema.pg`, `_schema.ir.json`,
// `__schema_state.json` and `__init_claim.json` for an operator.
//
// Judged from the harness's history, never the engine's word: an init the history did not
// acknowledge, whose own actor made a dataset Create that took effect (its `io` event, or an
// `ack-loss` that lost only its answer) and no `__manifest` Create that took effect, is
// indeterminate. At the end of the universe its claim and schema files (each that its own write
// put durably under its name: a storage fault that lost, tore or misdirected the write, or a
// create-if-absent that found the file there, is the faults judge's) must all be there, unless
// the history shows who may remove them by design: a later init acknowledged (the graph then
// exists, and its claim was released), or a takeover (`initTakeover`'s create-if-absent marker,
// which the engine writes only for a root holding none of the datasets it would create) that
// took effect after the init's durable Create (one before it is the init's own takeover of an
// earlier dead attempt).
// Only where the engine claims to keep them (`fix502`): the seed's cleanup deletes them (#495).
//
// The faults judge excuses a `root-bricked` after such an init as a documented limit; this
// oracle's violation names no operation, so no fault it suffered excuses it.
import { INIT_CLAIM_FILE } from "../../engine/graph/fix502.ts";
import { SCHEMA_CONTRACT_FILES } from "../../engine/schema/contract.ts";
import type { Storage } from "../../engine/storage/types.ts";
import type { TraceEvent } from "../trace.ts";
import type { Violation } from "../violations.ts";
import { type History, isInit, type OpRecord } from "./history.ts";
import { landedAsWritten, resultAt } from "./took-effect.ts";

/** The create-if-absent marker a takeover of a dead init writes (`engine/graph/init-takeover.ts`). */
const TAKEOVER_MARKER_PREFIX = "__init_takeover_";

/** What an indeterminate init must leave at the root. */
const KEPT: readonly string[] = [...SCHEMA_CONTRACT_FILES, INIT_CLAIM_FILE];

export interface IndeterminateInit {
  readonly op: OpRecord;
  /** Trace index of its first dataset Create that took effect. */
  readonly durableCreate: number;
  /** The claim and schema files its own writes put durably, as written. */
  readonly wrote: readonly string[];
}

const OBJECT_WRITES: ReadonlySet<string> = new Set(["objects.put", "objects.putIfAbsent"]);

/** The inits of the history whose outcome is unknown: not acknowledged, a dataset Create durable, no manifest Create. */
export function indeterminateInits(history: History, events: readonly TraceEvent[]): IndeterminateInit[] {
  const out: IndeterminateInit[] = [];
  for (const op of history.ops) {
    if (!isInit(op) || op.status === "ok") continue;
    let durableCreate: number | null = null;
    let manifestCreated = false;
    const wrote = new Set<string>();
    // A crashed init never ends: its window runs to the end of the trace (its actor is dead).
    const end = Math.min(op.end ?? events.length, events.length);
    for (let i = op.start; i < end; i++) {
      const ev = events[i]!;
      if (ev.e !== "io" || ev.actor !== op.actor.name || !resultAt(events, i)) continue;
      if (ev.op === "datasets.create" && durableCreate === null) durableCreate = i;
      if (ev.op === "manifest.create") manifestCreated = true;
      const key = (ev.args as { key?: unknown }).key;
      // A create-if-absent that answered false wrote nothing.
      if (OBJECT_WRITES.has(ev.op) && typeof key === "string" && KEPT.includes(key) && resultAt(events, i)!.value !== false && landedAsWritten(events, i)) wrote.add(key);
    }
    if (durableCreate !== null && !manifestCreated) out.push({ op, durableCreate, wrote: KEPT.filter((k) => wrote.has(k)) });
  }
  return out;
}

/**
 * Why the history lets the files of an init that began at `from` go, if it does. Only a takeover
 * after its durable Create (`durableCreate`) counts: one before it is the init's own takeover of
 * an earlier dead attempt (its marker written in its own operation), which removes nothing of its.
 */
function removedByDesign(history: History, events: readonly TraceEvent[], from: number, durableCreate: number): string | null {
  const later = history.ops.find((o) => isInit(o) && o.status === "ok" && o.end !== null && o.end > from);
  if (later) return `${later.label} was acknowledged after it`;
  for (let i = durableCreate; i < events.length; i++) {
    const ev = events[i]!;
    if (ev.e !== "io" || ev.op !== "objects.putIfAbsent") continue;
    const key = (ev.args as { key?: unknown }).key;
    if (typeof key === "string" && key.startsWith(TAKEOVER_MARKER_PREFIX) && resultAt(events, i)?.value === true) return `a takeover (${key}) took effect`;
  }
  return null;
}

/** The oracle: run by the judge on every universe of a `fix502` engine, whatever the final state. */
export async function indeterminateInitsKept(history: History, events: readonly TraceEvent[], raw: Storage): Promise<Violation[]> {
  const out: Violation[] = [];
  for (const { op, durableCreate, wrote } of indeterminateInits(history, events)) {
    if (removedByDesign(history, events, op.start, durableCreate)) continue;
    const missing: string[] = [];
    for (const file of wrote) if (!(await raw.objects.exists(file))) missing.push(file);
    if (missing.length === 0) continue;
    out.push({
      kind: "indeterminate-init-undone",
      message: `${op.label} (${op.actor.name}) failed after a dataset Create that took effect (trace ${durableCreate}) and before its manifest Create, so its outcome is unknown; at the end ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} gone, and no acknowledged init or takeover removed ${missing.length === 1 ? "it" : "them"}`,
      details: { init: op.label, actor: op.actor.name, missing, status: op.status, ...(op.errorKind ? { error: op.errorKind } : {}) },
    });
  }
  return out;
}
