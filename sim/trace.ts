// The trace: one canonical JSON line per event (a step granted, a storage call and its
// result, a failpoint hit, a spawn, a finish, a crash, a choice, the verdict). The trace hash
// is the SHA-256 of those lines, each ending in a newline. Same triple, same hash.
import { createHash } from "node:crypto";

export type TraceEvent = { readonly e: string } & Record<string, unknown>;

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
  private readonly list: TraceEvent[] = [];
  private lines: string[] | null = null;

  /**
   * Events are kept as objects; their canonical lines are made once, when first needed. So an
   * event must own what it holds: callers copy anything the engine may still change.
   */
  emit(event: TraceEvent): void {
    this.list.push(event);
    this.lines = null;
  }

  /** Appends events recorded elsewhere (a reused setup's), as they were. */
  appendAll(events: readonly TraceEvent[]): void {
    for (const e of events) this.list.push(e);
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
export function describeError(e: unknown): Record<string, unknown> {
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
