// The oracles that judge by order and success: update and delete durability exempt a row only
// for operations that may have taken effect and are ordered after the acknowledged write, and a
// conflict error needs a cause in the operation's window. Each goes red on its planted defect.
import { expect, test } from "vitest";
import { conflictsHaveCause } from "../../sim/oracles/conflicts.ts";
import { ackedWritesVisible } from "../../sim/oracles/durability.ts";
import type { Effect } from "../../sim/oracles/history.ts";
import type { Actor } from "../../sim/scheduler.ts";
import type { TraceEvent } from "../../sim/trace.ts";
import { ctx, manifest, op, snap } from "./oracle-fixtures.ts";

const p0 = { table: "node:Person" as const, column: "id", value: "P0" };
const actor = (name: string) => ({ name, status: "done" }) as Actor;
const update = (age: number): Effect => ({ inserts: [], deletes: [], updates: [{ row: p0, set: { age } }] });
const row = (age: number) => ({ "node:Person": [{ id: "P0", age }] });

test("acked-writes-visible: a planted lost update is red; a later acknowledged update explains the value", () => {
  const mine = op({ label: "update P0 age = 1001", effect: update(1001), start: 10, end: 20 });
  // Planted: the update was acknowledged, yet the next snapshot shows the old value.
  expect(ackedWritesVisible(ctx({ ops: [mine], snapshots: [snap(2, 15, row(1001)), snap(3, 30, row(30))] })).map((v) => v.kind)).toEqual(["acked-write-lost"]);
  // A later acknowledged update of the same row may overwrite it, with its own value only.
  const later = op({ label: "update P0 age = 1002", actor: actor("b"), effect: update(1002), start: 25, end: 35 });
  expect(ackedWritesVisible(ctx({ ops: [mine, later], snapshots: [snap(2, 15, row(1001)), snap(3, 30, row(1002))] }))).toEqual([]);
  const both = ackedWritesVisible(ctx({ ops: [mine, later], snapshots: [snap(2, 15, row(1001)), snap(3, 30, row(30))] }));
  expect(both.map((v) => `${v.kind}: ${v.op?.label}`)).toEqual(["acked-write-lost: update P0 age = 1001", "acked-write-lost: update P0 age = 1002"]);
});

test("acked-writes-visible: an update that ended before the write began, or failed without a trace of effect, exempts nothing", () => {
  const mine = op({ label: "update P0 age = 1001", effect: update(1001), start: 10, end: 20 });
  // Ordered before: its value showing after the acknowledged update is the lost update itself.
  const before = op({ label: "update P0 age = 1000", actor: actor("b"), effect: update(1000), start: 1, end: 5 });
  expect(ackedWritesVisible(ctx({ ops: [before, mine], snapshots: [snap(2, 15, row(1001)), snap(3, 30, row(1000))] })).map((v) => v.kind)).toEqual(["acked-write-lost"]);
  // Failed, with no publish of its own and no roll-forward on record: it took no effect.
  const failed = op({ label: "update P0 age = 1002", actor: actor("b"), effect: update(1002), start: 12, end: 25, status: "err", errorKind: "InjectedFailure" });
  expect(ackedWritesVisible(ctx({ ops: [mine, failed], snapshots: [snap(2, 15, row(1001)), snap(3, 30, row(1002))] })).map((v) => v.kind)).toEqual(["acked-write-lost"]);
  // The same failed update, whose actor did publish a new pin inside its window: it may have taken effect.
  const manifests = [manifest(1, 2, "setup", { "node:Person": 1 }), manifest(2, 22, "b", { "node:Person": 2 })];
  expect(ackedWritesVisible(ctx({ ops: [mine, failed], manifests, snapshots: [snap(2, 15, row(1001)), snap(3, 30, row(1002))] }))).toEqual([]);
});

test("acked-writes-visible: an acknowledged delete stays deleted unless a later insert brings the row back", () => {
  const del = op({ label: "delete P0", effect: { inserts: [], deletes: [p0], updates: [] }, start: 10, end: 20 });
  expect(ackedWritesVisible(ctx({ ops: [del], snapshots: [snap(2, 15, { "node:Person": [] }), snap(3, 30, { "node:Person": [] })] }))).toEqual([]);
  // Planted: the deleted row is back in a later snapshot, and nobody inserted it.
  const undone = [snap(2, 15, { "node:Person": [] }), snap(3, 30, row(30))];
  expect(ackedWritesVisible(ctx({ ops: [del], snapshots: undone })).map((v) => v.kind)).toEqual(["acked-delete-undone"]);
  const reinsert = op({ label: "insert P0", actor: actor("b"), effect: { inserts: [p0], deletes: [], updates: [] }, start: 22, end: 32 });
  expect(ackedWritesVisible(ctx({ ops: [del, reinsert], snapshots: undone }))).toEqual([]);
});

test("acked-writes-visible: a failed insert takes effect where recovery rolls it forward, not where it failed", () => {
  // The insert of P0 failed after its commit (its sidecar left at 3), before the delete of P0
  // began; the delete found nothing to delete; recovery later rolled the insert forward
  // (net-zero-merge seed 152 on fixed, a failpoint error after the insert's commit).
  const insert = op({ label: "insert P0", actor: actor("b"), effect: { inserts: [p0], deletes: [], updates: [] }, start: 1, end: 8, status: "err", errorKind: "InjectedFailure" });
  const del = op({ label: "delete P0", effect: { inserts: [], deletes: [p0], updates: [] }, start: 10, end: 20 });
  const body = JSON.stringify({ operation_id: "01OP", writer_kind: "Mutation", tables: [{ table_key: "node:Person", table_path: "mem://graph/nodes/p", expected_version: 1, post_commit_pin: 2 }] });
  const pad = (n: number) => Array.from({ length: n }, (): TraceEvent => ({ e: "choose", label: "pad", n: 1, v: 0 }));
  const events: TraceEvent[] = [...pad(3), { e: "io", actor: "b", op: "objects.put", args: { key: "__recovery/01OP.json", body }, ok: null }, ...pad(23), { e: "io", actor: "r", op: "objects.delete", args: { key: "__recovery/01OP.json" }, ok: null }, ...pad(10)];
  const audits = [{ operationId: "01OP", kind: "RolledForward", outcomes: [] }];
  const snapshots = [snap(2, 15, { "node:Person": [] }), snap(3, 30, row(30))];
  const rolledAt = (at: number) => [manifest(1, 0, "setup", { "node:Person": 1 }), manifest(2, at, "r", { "node:Person": 2 })];
  expect(ackedWritesVisible(ctx({ ops: [insert, del], events, audits, manifests: rolledAt(25), snapshots }))).toEqual([]);
  // Planted: the roll-forward published the row before the delete began (the sidecar went only
  // later), so the delete should have removed it: the row showing again is the delete undone.
  expect(ackedWritesVisible(ctx({ ops: [insert, del], events, audits, manifests: rolledAt(9), snapshots })).map((v) => v.kind)).toEqual(["acked-delete-undone"]);
  // Planted: no roll-forward on record: the failed insert took no effect and explains nothing.
  expect(ackedWritesVisible(ctx({ ops: [insert, del], events, manifests: rolledAt(25), snapshots })).map((v) => v.kind)).toEqual(["acked-delete-undone"]);
});

test("conflicts-have-a-cause: a conflict with no other actor's logical effect in its window is spurious", () => {
  const failed = op({ label: "update P0", effect: update(1), start: 10, end: 20, status: "err", errorKind: "ExpectedVersionMismatch", errorMessage: "stale" });
  const commit = (actor: string, delta: string): TraceEvent => ({ e: "io", actor, op: "datasets.commit", args: { path: "nodes/x", delta: { op: delta } }, ok: { version: 3 } });
  const pad = (n: number) => Array.from({ length: n }, (): TraceEvent => ({ e: "choose", label: "pad", n: 1, v: 0 }));
  // Another actor's logical commit inside the window: a cause.
  expect(conflictsHaveCause(ctx({ ops: [failed], events: [...pad(12), commit("b", "Append")] }))).toEqual([]);
  // Planted: nothing happened in the window at all, or only maintenance (a compaction).
  expect(conflictsHaveCause(ctx({ ops: [failed], events: pad(25) })).map((v) => v.kind)).toEqual(["spurious-conflict"]);
  expect(conflictsHaveCause(ctx({ ops: [failed], events: [...pad(12), commit("b", "Rewrite")] })).map((v) => v.kind)).toEqual(["spurious-conflict"]);
  // Its own actor's commit is no cause; one before the window neither.
  expect(conflictsHaveCause(ctx({ ops: [failed], events: [...pad(12), commit("a", "Append")] })).map((v) => v.kind)).toEqual(["spurious-conflict"]);
  // The window opens where the handle's view was last taken: inside its last success before the write.
  const seen = op({ label: "read", kind: "read", handle: "h", start: 6, end: 8 });
  const onHandle = { ...failed, handle: "h" };
  expect(conflictsHaveCause(ctx({ ops: [seen, onHandle], events: [...pad(5), commit("b", "Append"), ...pad(20)] })).map((v) => v.kind)).toEqual(["spurious-conflict"]);
  expect(conflictsHaveCause(ctx({ ops: [seen, onHandle], events: [...pad(9), commit("b", "Append"), ...pad(20)] }))).toEqual([]);
  // A commit during that success may postdate the view it took (seed 107): a cause.
  expect(conflictsHaveCause(ctx({ ops: [seen, onHandle], events: [...pad(7), commit("b", "Append"), ...pad(20)] }))).toEqual([]);
  // A publish by another actor that moved the head token inside the window is a cause (ReadSetChanged).
  const token = [manifest(1, 2, "setup", { "node:Person": 1 }, "t1"), manifest(2, 15, "b", { "node:Person": 1 }, "t2")];
  expect(conflictsHaveCause(ctx({ ops: [{ ...failed, errorKind: "ReadSetChanged" }], manifests: token, events: pad(25) }))).toEqual([]);
});

test("conflicts-have-a-cause: its own actor's effect counts only when made inside another of its operations that failed", () => {
  const failed = op({ id: 3, label: "delete P0", start: 20, end: 30, status: "err", errorKind: "ExpectedVersionMismatch", errorMessage: "stale", handle: "h" });
  const seen = op({ id: 1, label: "read", kind: "read", handle: "h", start: 2, end: 6 });
  // A heal inside a failed index build published a write that finalized but never reached the
  // publisher (random-workload seed 187 on fixed): the handle never observed it, a cause.
  const heal = op({ id: 2, label: "ensureIndices", kind: "ensureIndices", handle: "h", start: 8, end: 16, status: "err", errorKind: "InjectedFailure" });
  const rolledForward = [manifest(1, 1, "setup", { "node:Person": 1 }), manifest(2, 12, "a", { "node:Person": 2 })];
  const pad = Array.from({ length: 40 }, (): TraceEvent => ({ e: "choose", label: "pad", n: 1, v: 0 }));
  const loadCommit: TraceEvent = { e: "io", actor: "a", op: "datasets.commit", args: { path: "nodes/node:Person", delta: { op: "Append" } }, ok: { version: 2 } };
  expect(conflictsHaveCause(ctx({ ops: [seen, heal, failed], manifests: rolledForward, events: [loadCommit, ...pad] }))).toEqual([]);
  // The same with a publish that moved the head token (the events hold no commit at all).
  const events = pad;
  const versions = [manifest(1, 1, "setup", { "node:Person": 1 }, "t1"), manifest(2, 12, "a", { "node:Person": 1 }, "t2")];
  expect(conflictsHaveCause(ctx({ ops: [seen, heal, failed], manifests: versions, events }))).toEqual([]);
  // Planted: the same publish inside the operation that succeeded and took the view, or inside
  // the failing write itself, is no other operation's effect: the conflict is spurious.
  const tookView = op({ ...seen, start: 8, end: 16 });
  expect(conflictsHaveCause(ctx({ ops: [tookView, failed], manifests: versions, events })).map((v) => v.kind)).toEqual(["spurious-conflict"]);
  const own = [manifest(1, 1, "setup", { "node:Person": 1 }, "t1"), manifest(2, 25, "a", { "node:Person": 1 }, "t2")];
  expect(conflictsHaveCause(ctx({ ops: [seen, heal, failed], manifests: own, events })).map((v) => v.kind)).toEqual(["spurious-conflict"]);
  // Another actor's failed operation spanning the publish does not lend it to this actor.
  const elsewhere = { ...heal, actor: { name: "b", status: "done" } as Actor };
  expect(conflictsHaveCause(ctx({ ops: [seen, elsewhere, failed], manifests: versions, events })).map((v) => v.kind)).toEqual(["spurious-conflict"]);
});
