// Which storage calls of a trace took effect, and what they returned. A call took effect when
// its `io` event is `ok`, and also when an `ack-loss` storage fault lost only its response: the
// caller saw an error, but the write is durable (the fault's event, just before the call's own,
// records the version a commit made). The oracles read durable history through this, so a
// write is never judged absent because its caller never heard of it.
import type { TraceEvent } from "../trace.ts";

/** What the call at trace index `i` returned, if it took effect (its `ok`; `{ version }` or null after an ack-loss); undefined if it did not. */
export function resultAt(events: readonly TraceEvent[], i: number): { readonly value: unknown } | undefined {
  const ev = events[i];
  if (ev?.e !== "io") return undefined;
  if ("ok" in ev) return { value: ev.ok };
  const before = events[i - 1];
  if (before?.e !== "fault" || before.kind !== "ack-loss" || before.actor !== ev.actor) return undefined;
  return { value: before.version !== undefined ? { version: before.version } : null };
}

/** The version a call that took effect at `i` made, if it reports one. */
export function versionAt(events: readonly TraceEvent[], i: number): number | undefined {
  const v = (resultAt(events, i)?.value as { version?: unknown } | null | undefined)?.version;
  return typeof v === "number" ? v : undefined;
}

/** The storage faults after which an acknowledged object write is not durable as written. */
const DAMAGING: ReadonlySet<string> = new Set(["lost", "torn", "misdirected"]);

/**
 * Whether the object write at `i`, which took effect, is durable under its key as its caller
 * wrote it: not when a `lost`, `torn` or `misdirected` fault struck it (its `fault` event comes
 * just before the call's own, as for `ack-loss`).
 */
export function landedAsWritten(events: readonly TraceEvent[], i: number): boolean {
  const ev = events[i];
  const before = events[i - 1];
  return !(ev?.e === "io" && before?.e === "fault" && before.actor === ev.actor && before.op === ev.op && DAMAGING.has(before.kind));
}
