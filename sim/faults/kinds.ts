// The storage faults the seeded fault plan can inject on any call of the storage seam (not only
// at failpoints), as a closed set. Each is a tape choice and a trace event (`fault`), so a faulted
// universe replays and shrinks like any other.
import type { StorageCall } from "../storage-calls.ts";

export const STORAGE_FAULT_KINDS = ["error", "ack-loss", "lost", "misdirected", "torn", "stale", "latency"] as const;

export type StorageFaultKind = (typeof STORAGE_FAULT_KINDS)[number];

/** What each fault does, for `--help`, the README and reports. */
export const FAULT_SUMMARIES: Readonly<Record<StorageFaultKind, string>> = {
  error: "the call fails with an I/O error and has no effect",
  "ack-loss": "a write takes effect, but the caller sees an I/O error",
  lost: "a write is acknowledged but never becomes durable",
  misdirected: "an object write lands under another key (a sibling name in the same directory)",
  torn: "an object write is durable as a prefix of its bytes",
  stale: "a read or listing sees the store as it was a few durable writes ago",
  latency: "the caller is held up in virtual time before the call (past a lease's expiry, at worst)",
};

export function isStorageFaultKind(s: string): s is StorageFaultKind {
  return (STORAGE_FAULT_KINDS as readonly string[]).includes(s);
}

/** Object writes that carry a key and a body a fault can redirect or cut short. */
const OBJECT_BODY_WRITES = new Set(["objects.put", "objects.putIfAbsent", "objects.copy"]);

/** Whether fault `kind` can strike `call`. */
export function faultApplies(kind: StorageFaultKind, call: StorageCall): boolean {
  switch (kind) {
    case "error":
    case "latency":
      return true;
    case "ack-loss":
    case "lost":
      return call.writes;
    case "misdirected":
    case "torn":
      return OBJECT_BODY_WRITES.has(call.op);
    case "stale":
      return !call.writes;
  }
}

/** `--faults error,lost` or `--faults all`: the kinds, or an error naming the bad one. */
export function parseFaultKinds(text: string): StorageFaultKind[] | string {
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (items.length === 1 && items[0] === "all") return [...STORAGE_FAULT_KINDS];
  if (items.length === 0) return "no fault kind given";
  const out: StorageFaultKind[] = [];
  for (const item of items) {
    if (!isStorageFaultKind(item)) return `unknown fault kind "${item}" (kinds: ${STORAGE_FAULT_KINDS.join(", ")}, or all)`;
    if (!out.includes(item)) out.push(item);
  }
  return out;
}
