// The trace: one canonical JSON line per event (a step granted, a storage call and its
// result, a failpoint hit, a spawn, a finish, a crash, a choice, the verdict). The trace hash
// is the SHA-256 of those lines, each ending in a newline. Same triple, same hash.
import type { Violation, ViolationKind } from "./violations.ts";
import type { StorageFaultKind } from "./faults/kinds.ts";
import type { StorageOp } from "./storage-calls.ts";
import { createHash } from "node:crypto";
import { recordPrefixOrigin } from "./trace-prefix.ts";

// The trace schema: every event a universe records, as a closed union on `e`. docs/trace.md
// documents each field; `omnisim show` renders a saved trace from it. Building an event is one
// object literal at the emit site: nothing is computed for the trace that the run does not need.

/** An error as the trace records it (`describeError`). */
export interface TracedError {
  readonly name: string;
  /** The engine's or storage's typed kind (`ExpectedVersionMismatch`), when it has one. */
  readonly kind?: string;
  readonly details?: unknown;
  readonly message: string;
}

export type TraceEvent =
  /** A process was created (`crashable`: the search may crash it). */
  | { readonly e: "process"; readonly proc: string; readonly crashable: boolean }
  /** An actor was added to a process; it runs when first granted. */
  | { readonly e: "spawn"; readonly actor: string; readonly proc: string }
  /** Scheduler step `n` went to `actor`, to take the step labelled `step`. */
  | { readonly e: "grant"; readonly n: number; readonly actor: string; readonly step: string }
  /** The grant after it found `actor` kept runnable but ungranted for `ms` of virtual time, past the stall notice (a lease). */
  | { readonly e: "stall"; readonly actor: string; readonly proc: string; readonly step: string; readonly ms: number }
  /**
   * A storage call took effect: exactly one of `ok` (a summary of its result, which may be null)
   * and `err` (the error it failed with) is present.
   */
  | { readonly e: "io"; readonly actor: string; readonly op: string; readonly args: Readonly<Record<string, unknown>>; readonly ok?: unknown; readonly err?: TracedError }
  /** A named failpoint was hit and decided (`pass`, `error`, `park`, `crash`, `probe`). */
  | { readonly e: "failpoint"; readonly actor: string; readonly name: string; readonly decision: string }
  /** A process died (`cause`: `choice`, `failpoint`, `script`) and took these actors with it. */
  | { readonly e: "crash"; readonly proc: string; readonly cause: string; readonly killed: readonly string[] }
  /** A choice was read from the tape: value `v` of `n` options. */
  | { readonly e: "choose"; readonly label: string; readonly n: number; readonly v: number }
  /** An actor's function returned. */
  | { readonly e: "finish"; readonly actor: string }
  /** An actor's function threw. */
  | { readonly e: "fail"; readonly actor: string; readonly error: TracedError }
  /** An actor awaited something the world does not own. */
  | { readonly e: "escape"; readonly actor: string; readonly lastStep: string }
  /** A logical operation of the history ended (`error`: its error kind when it failed). */
  | { readonly e: "op"; readonly id: number; readonly label: string; readonly actor: string; readonly status: "ok" | "err" | "pending"; readonly error?: string }
  /** An oracle or the harness found something wrong. */
  | ({ readonly e: "violation" } & Violation)
  /**
   * The storage fault plan struck a call (`sim/faults/`): its kind, the call, and what it did
   * (`key`: where a misdirected or torn write landed; `delayMs`; `back`: how many durable states
   * a stale read looked back; `limit`: a fault no engine survives by design).
   */
  | {
      readonly e: "fault";
      readonly actor: string;
      readonly kind: StorageFaultKind;
      readonly op: StorageOp;
      readonly subject: string;
      readonly key?: string;
      readonly bytes?: number;
      readonly delayMs?: number;
      readonly back?: number;
      /** An `ack-loss` of a call that returns a version: the version it made, which its caller never saw. */
      readonly version?: number;
      readonly limit?: boolean;
    }
  /**
   * A violation the storage fault plan explains (`sim/faults/judge.ts`): `detected` (the caller
   * saw an error, or an operation refused a damaged file loudly) or `limit` (it follows a fault
   * no engine survives by design). It no longer counts against the universe.
   */
  | { readonly e: "excused"; readonly violation: ViolationKind; readonly as: "detected" | "limit"; readonly why: string }
  /** The universe's end: its verdict and the kinds of its violations, in order. */
  | { readonly e: "verdict"; readonly verdict: "pass" | "fail"; readonly violations: readonly string[] };

export type TraceEventName = TraceEvent["e"];

/** Every event name, for readers of saved traces (`omnisim show`). */
export const TRACE_EVENT_NAMES: readonly TraceEventName[] = [
  "process",
  "spawn",
  "grant",
  "stall",
  "io",
  "failpoint",
  "crash",
  "choose",
  "finish",
  "fail",
  "escape",
  "op",
  "violation",
  "fault",
  "excused",
  "verdict",
];

/** JSON with object keys sorted at every depth; `undefined` fields are dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (value === undefined) return "null";
    if (typeof value === "bigint") return JSON.stringify(value.toString());
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(",")}}`;
}

export class Trace {
  private list: TraceEvent[] = [];
  private lines: string[] | null = null;

  /**
   * Events are kept as objects; their canonical lines are made once, when first needed. So an
   * event must own what it holds: callers copy anything the engine may still change.
   */
  emit(event: TraceEvent): void {
    this.list.push(event);
    this.lines = null;
  }

  /** Appends events recorded elsewhere (a reused setup's, a forked world's parent's), as they were. */
  appendAll(events: readonly TraceEvent[]): void {
    for (const e of events) this.list.push(e);
    this.lines = null;
  }

  /** Starts an empty trace with the first `length` events of `parent` (a world forked at a crash state). */
  startFrom(parent: Trace, length: number): void {
    if (this.list.length > 0) throw new Error("a trace can start from another's prefix only while empty");
    this.list = parent.list.slice(0, length);
    recordPrefixOrigin(this.list, parent.list, length);
    this.lines = null;
  }

  /** The events from index `from` on. */
  since(from: number): readonly TraceEvent[] {
    return this.list.slice(from);
  }

  get length(): number {
    return this.list.length;
  }

  /** The events so far, in order (oracles read these; do not mutate them). */
  events(): readonly TraceEvent[] {
    return this.list;
  }

  /** The canonical lines (for `--trace` files). */
  jsonl(): readonly string[] {
    this.lines ??= this.list.map(canonicalJson);
    return this.lines;
  }

  /** SHA-256 hex of every canonical line, newline-terminated. */
  hash(): string {
    const h = createHash("sha256");
    for (const line of this.jsonl()) h.update(line + "\n");
    return h.digest("hex");
  }
}

/** An error as the trace records it: its name, kind (when typed) and message. */
export function describeError(e: unknown): TracedError {
  if (e instanceof Error) {
    const kind = (e as { kind?: unknown }).kind;
    const details = (e as { details?: unknown }).details;
    return {
      name: e.name,
      ...(typeof kind === "string" ? { kind } : {}),
      ...(details !== undefined ? { details } : {}),
      message: e.message,
    };
  }
  return { name: "thrown", message: String(e) };
}
