// The trace comparison behind the cross-backend tests, on hand-made traces: each level holds
// exactly when it should, and a real difference is never explained away.
import { expect, test } from "vitest";
import { Trace, type TraceEvent } from "../../sim/trace.ts";
import { compareTraces } from "./trace-compare.ts";

const P = "nodes/person";

function trace(...events: TraceEvent[]): Trace {
  const t = new Trace();
  for (const e of events) t.emit(e);
  return t;
}

const commit = (readVersion: number, version: number, op = "Merge"): TraceEvent => ({
  e: "io",
  actor: "w",
  op: "datasets.commit",
  args: { path: P, branch: null, readVersion, delta: { op } },
  ok: { version, rowsAffected: 1 },
});
const checkout = (at: number, fragments: number): TraceEvent => ({
  e: "io",
  actor: "w",
  op: "datasets.checkout",
  args: { path: P, branch: null, at },
  ok: { version: at, rows: 2, fragments, indices: [] },
});
const publish = (tableVersion: number, manifestVersion: number): TraceEvent => ({
  e: "io",
  actor: "w",
  op: "manifest.merge",
  args: { branch: null, readVersion: manifestVersion - 1, rows: [`node:Person$${String(tableVersion).padStart(20, "0")}`] },
  ok: { version: manifestVersion },
});
const listing = (...ops: string[]): TraceEvent => ({
  e: "io",
  actor: "w",
  op: "datasets.versions",
  args: { path: P, branch: null },
  ok: ops.map((op, i) => [i + 1, op]),
});

test("identical traces agree by hash", () => {
  const a = trace(commit(1, 2), checkout(2, 1), publish(2, 3));
  expect(compareTraces(a, trace(commit(1, 2), checkout(2, 1), publish(2, 3))).agreement).toBe("hash");
});

test("a different fragment count alone is layout", () => {
  expect(compareTraces(trace(commit(1, 2), checkout(2, 1)), trace(commit(1, 2), checkout(2, 2))).agreement).toBe("layout");
});

test("a compaction that adds two versions on Lance is versions, through commits, checkouts, listings and manifest ids", () => {
  const model = trace(commit(2, 3, "Rewrite"), checkout(3, 1), publish(3, 4), listing("Create", "Merge", "Rewrite"), commit(3, 4));
  const lance = trace(commit(2, 4, "Rewrite"), checkout(4, 1), publish(4, 4), listing("Create", "Merge", "ReserveFragments", "Rewrite"), commit(4, 5));
  expect(compareTraces(model, lance).agreement).toBe("versions");
});

test("real differences are not explained away: another error, another manifest version, an order the renaming cannot map", () => {
  const failed = { ...commit(1, 2), ok: undefined, err: { name: "StorageError", kind: "CommitConflict", message: "x" } } as TraceEvent;
  expect(compareTraces(trace(commit(1, 2)), trace(failed)).agreement).toBeNull();
  expect(compareTraces(trace(publish(2, 3)), trace(publish(2, 4))).agreement).toBeNull();
  // Two model versions that are one Lance version (a compaction that added nothing) do not rename.
  expect(compareTraces(trace(commit(1, 2), checkout(2, 1), checkout(3, 1)), trace(commit(1, 2), checkout(2, 1), checkout(2, 1))).agreement).toBeNull();
  // A listing with an extra version that is not a ReserveFragments.
  expect(compareTraces(trace(listing("Create", "Rewrite")), trace(listing("Create", "Rewrite", "CreateIndex"))).agreement).toBeNull();
  // Another operation outcome.
  const op = (status: "ok" | "err"): TraceEvent => ({ e: "op", id: 1, label: "insert", actor: "w", status });
  expect(compareTraces(trace(op("ok")), trace(op("err"))).agreement).toBeNull();
});
