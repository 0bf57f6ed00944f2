// The recovery oracles, each red on its planted defect: every recovered operation is audited
// exactly once, with the kind that matches what recovery did and what the writer's sidecar and
// commits show; a worker's sidecar is its own only while the worker lives.
import { expect, test } from "vitest";
import { recoveryAudited } from "../../sim/oracles/audit.ts";
import type { OpRecord } from "../../sim/oracles/history.ts";
import { liveSidecarsUntouched } from "../../sim/oracles/sidecar-ownership.ts";
import { decodeAuditOutcomes, UnreadableState } from "../../sim/oracles/reader.ts";
import type { Actor } from "../../sim/scheduler.ts";
import type { TraceEvent } from "../../sim/trace.ts";
import { ctx, manifest, op } from "./oracle-fixtures.ts";

const KEY = "__recovery/01OP.json";
const sidecar = (kind: string, expected: number, post: number) =>
  JSON.stringify({ schema_version: 2, operation_id: "01OP", writer_kind: kind, tables: [{ table_key: "node:Person", table_path: "mem://graph/nodes/p", expected_version: expected, post_commit_pin: post }] });
const put = (actor: string, body: string): TraceEvent => ({ e: "io", actor, op: "objects.put", args: { key: KEY, body }, ok: null });
const del = (actor: string): TraceEvent => ({ e: "io", actor, op: "objects.delete", args: { key: KEY }, ok: null });
const commit = (actor: string, version: number): TraceEvent => ({ e: "io", actor, op: "datasets.commit", args: { path: "nodes/p", delta: { op: "Append" } }, ok: { version } });
const pad: TraceEvent = { e: "choose", label: "pad", n: 1, v: 0 };
/** The outcomes a correct recovery writes for the sidecar above: Person moved 1 -> 2 (forward) or back to 1. */
const FORWARD = [{ tableKey: "node:Person", from: 1, to: 2 }];
const BACK = [{ tableKey: "node:Person", from: 2, to: 1 }];
const writer = (end: number | null): OpRecord => op({ label: "insert Alice", actor: { name: "w", status: "done" } as Actor, start: 0, end, status: end === null ? "pending" : "err" });

test("recovery-audited: a recovered operation with no audit row is red (exactly once, not at most once)", () => {
  const events = [put("w", sidecar("Mutation", 1, 2)), commit("w", 2), pad, del("opener")];
  const audited = ctx({ ops: [writer(null)], events, audits: [{ operationId: "01OP", kind: "RolledForward", outcomes: FORWARD }], manifests: [manifest(1, 0, "s", { "node:Person": 1 }), manifest(2, 2.5, "opener", { "node:Person": 2 })] });
  expect(recoveryAudited(audited)).toEqual([]);
  // Planted: recovery took the sidecar and wrote no audit row.
  expect(recoveryAudited(ctx({ ops: [writer(null)], events })).map((v) => v.kind)).toEqual(["audit-missing"]);
  // The writer deleting its own sidecar inside its operation is no recovery: nothing to audit.
  expect(recoveryAudited(ctx({ ops: [writer(null)], events: [put("w", sidecar("Mutation", 1, 2)), del("w")] }))).toEqual([]);
});

test("recovery-audited: a RolledForward audit of a writer that never committed, or whose commits it did not publish, is red", () => {
  const manifests = [manifest(1, 0, "s", { "node:Person": 1 }), manifest(2, 2.5, "opener", { "node:Person": 2 })];
  // Planted: the writer never committed, yet its operation is audited as rolled forward.
  const never = [put("w", sidecar("Optimize", 1, 2)), pad, pad, del("opener")];
  expect(recoveryAudited(ctx({ ops: [writer(null)], events: never, manifests, audits: [{ operationId: "01OP", kind: "RolledForward", outcomes: FORWARD }] })).map((v) => v.kind)).toEqual(["audit-mismatch"]);
  // Planted: audited RolledForward, but the pin never reached the writer's commit.
  const unpublished = [put("w", sidecar("Mutation", 1, 2)), commit("w", 2), pad, del("opener")];
  const stale = [manifest(1, 0, "s", { "node:Person": 1 })];
  expect(recoveryAudited(ctx({ ops: [writer(null)], events: unpublished, manifests: stale, audits: [{ operationId: "01OP", kind: "RolledForward", outcomes: FORWARD }] })).map((v) => v.kind)).toEqual(["audit-mismatch"]);
});

test("recovery-audited: a RolledForward audit whose outcomes do not move a table to the writer's commit is red", () => {
  const events = [put("w", sidecar("Mutation", 1, 2)), commit("w", 2), pad, del("opener")];
  const manifests = [manifest(1, 0, "s", { "node:Person": 1 }), manifest(2, 2.5, "opener", { "node:Person": 2 })];
  const audited = (outcomes: typeof FORWARD) => recoveryAudited(ctx({ ops: [writer(null)], events, manifests, audits: [{ operationId: "01OP", kind: "RolledForward", outcomes }] }));
  expect(audited(FORWARD)).toEqual([]);
  // Planted: the outcome names the old pin (the recovery published v2 but says it left v1).
  expect(audited([{ tableKey: "node:Person", from: 1, to: 1 }]).map((v) => v.kind)).toEqual(["audit-mismatch"]);
  // Planted: no outcome for the table at all.
  expect(audited([]).map((v) => v.kind)).toEqual(["audit-mismatch"]);
});

test("recovery-audited: rolling back a writer whose every table committed cleanly is the wrong decision", () => {
  const events = [put("w", sidecar("Mutation", 1, 2)), commit("w", 2), pad, del("opener")];
  const manifests = [manifest(1, 0, "s", { "node:Person": 1 })];
  // Planted: the evidence says every table committed at its post-commit pin; recovery rolled it back.
  expect(recoveryAudited(ctx({ ops: [writer(null)], events, manifests, audits: [{ operationId: "01OP", kind: "RolledBack", outcomes: BACK }] })).map((v) => v.kind)).toEqual(["recovery-wrong-decision"]);
  // A commit that missed its post-commit pin (another commit landed first) makes the roll-back right.
  const rebased = [put("w", sidecar("Mutation", 1, 2)), commit("other", 2), commit("w", 3), del("opener")];
  expect(recoveryAudited(ctx({ ops: [writer(null)], events: rebased, manifests, audits: [{ operationId: "01OP", kind: "RolledBack", outcomes: BACK }] }))).toEqual([]);
  // So does a writer that never committed.
  expect(recoveryAudited(ctx({ ops: [writer(null)], events: [put("w", sidecar("Mutation", 1, 2)), pad, del("opener")], manifests, audits: [{ operationId: "01OP", kind: "RolledBack", outcomes: BACK }] }))).toEqual([]);
});

test("recovery-audited: an unconfirmed branch merge rolled back is right; a confirmed one rolled back is the wrong decision", () => {
  const confirmed = (body: string) => body.replace('"post_commit_pin":2', '"post_commit_pin":2,"confirmed_version":2');
  const manifests = [manifest(1, 0, "s", { "node:Person": 1 })];
  const judged = (events: TraceEvent[]) => recoveryAudited(ctx({ ops: [writer(null)], events, manifests, audits: [{ operationId: "01OP", kind: "RolledBack", outcomes: BACK }] })).map((v) => v.kind);
  // The merge committed but never confirmed its sidecar (upstream: unconfirmed => partial => roll back).
  expect(judged([put("w", sidecar("BranchMerge", 1, 2)), commit("w", 2), pad, del("opener")])).toEqual([]);
  // Planted: it confirmed (rewrote its sidecar with the versions reached), and recovery rolled it back.
  expect(judged([put("w", sidecar("BranchMerge", 1, 2)), commit("w", 2), put("w", confirmed(sidecar("BranchMerge", 1, 2))), del("opener")])).toEqual(["recovery-wrong-decision"]);
});

test("recovery-audited: a branch merge's roll-back is wrong only once its writer confirmed its Phase B", () => {
  const manifests = [manifest(1, 0, "s", { "node:Person": 1 })];
  const confirmed = JSON.stringify({ ...JSON.parse(sidecar("BranchMerge", 1, 2)), tables: [{ ...JSON.parse(sidecar("BranchMerge", 1, 2)).tables[0], confirmed_version: 2 }] });
  const rolledBack = (events: TraceEvent[]) =>
    recoveryAudited(ctx({ ops: [writer(5)], events, manifests, audits: [{ operationId: "01OP", kind: "RolledBack", outcomes: BACK }] })).map((v) => v.kind);
  // Planted: the merge committed its table and confirmed its Phase B; recovery rolled it back.
  expect(rolledBack([put("w", sidecar("BranchMerge", 1, 2)), commit("w", 2), put("w", confirmed), pad, pad, del("opener")])).toEqual(["recovery-wrong-decision"]);
  // Its commit without the confirmation (the rewrite failed) is a partial Phase B: upstream's
  // IncompletePhaseB rolls it back.
  expect(rolledBack([put("w", sidecar("BranchMerge", 1, 2)), commit("w", 2), pad, pad, pad, del("opener")])).toEqual([]);
  // A confirmed body put by anyone but the writer is no confirmation of the writer's.
  expect(rolledBack([put("w", sidecar("BranchMerge", 1, 2)), commit("w", 2), put("other", confirmed), pad, pad, del("opener")])).toEqual([]);
});

test("live-sidecars-untouched: a worker's sidecar is live while the worker lives, not for the rest of its operation", () => {
  const optimize = op({ label: "optimize", kind: "optimize", actor: { name: "optimizer", status: "done" } as Actor, start: 0, end: 50 });
  const spawns: TraceEvent[] = [
    { e: "spawn", actor: "optimizer", proc: "p" },
    { e: "spawn", actor: "optimize table 1", proc: "p" },
  ];
  const putByWorker: TraceEvent = { e: "io", actor: "optimize table 1", op: "objects.put", args: { key: KEY }, ok: null };
  const finish: TraceEvent = { e: "finish", actor: "optimize table 1" };
  // Planted: another actor deletes the worker's sidecar while the worker still runs.
  expect(liveSidecarsUntouched(ctx({ ops: [optimize], events: [...spawns, putByWorker, pad, del("insert")] })).map((v) => v.kind)).toEqual(["live-sidecar-deleted"]);
  // Once the worker's job ended (it failed and left the sidecar), recovery may take it.
  expect(liveSidecarsUntouched(ctx({ ops: [optimize], events: [...spawns, putByWorker, finish, del("insert")] }))).toEqual([]);
});

test("an audit row's outcomes that do not decode are unreadable, never an empty list", () => {
  expect(decodeAuditOutcomes("01OP", JSON.stringify([{ table_key: "node:Person", from_version: 1, to_version: 2 }]))).toEqual(FORWARD);
  expect(() => decodeAuditOutcomes("01OP", "{not json")).toThrow(UnreadableState);
  expect(() => decodeAuditOutcomes("01OP", undefined)).toThrow(UnreadableState);
  expect(() => decodeAuditOutcomes("01OP", JSON.stringify([{ table_key: "node:Person", to_version: 2 }]))).toThrow(UnreadableState);
});

test("recovery-audited: a worker's sidecar is its spawner's operation's, when two optimizes of one process overlap", () => {
  // Found at random-workload seed 731 on fixed: a10's optimize ends while a worker of a11's
  // optimize (same process) still holds its sidecar; the worker deleting it is its own operation
  // finishing, not a recovery that owes an audit row.
  const first = op({ label: "optimize (a10)", kind: "optimize", actor: { name: "a10", status: "done" } as Actor, start: 0, end: 6 });
  const second = op({ label: "optimize (a11)", kind: "optimize", actor: { name: "a11", status: "done" } as Actor, start: 1, end: 20 });
  const grant = (actor: string): TraceEvent => ({ e: "grant", actor, n: 0, step: "s" });
  const events: TraceEvent[] = [
    { e: "spawn", actor: "a10", proc: "p" },
    { e: "spawn", actor: "a11", proc: "p" },
    grant("a11"),
    { e: "spawn", actor: "optimize table 1", proc: "p" },
    put("optimize table 1", sidecar("Optimize", 1, 2)),
    pad,
    pad,
    pad,
    del("optimize table 1"),
  ];
  expect(recoveryAudited(ctx({ ops: [first, second], events }))).toEqual([]);
  // Planted: the worker was a10's (its optimize ended before the delete): a recovery, unaudited.
  const planted = events.map((e) => (e.e === "grant" ? grant("a10") : e));
  expect(recoveryAudited(ctx({ ops: [first, second], events: planted })).map((v) => v.kind)).toEqual(["audit-missing"]);
});

test("recovery-audited: a schema apply's roll-back is wrong only when its staging files are durable as written", () => {
  const stage = (key: string): TraceEvent => ({ e: "io", actor: "w", op: "objects.put", args: { key }, ok: null });
  const staged = ["_schema.pg.staging", "_schema.ir.json.staging", "__schema_state.json.staging"].map(stage);
  const torn: TraceEvent = { e: "fault", actor: "w", kind: "torn", op: "objects.put", subject: "__schema_state.json.staging", key: "__schema_state.json.staging", bytes: 7 };
  const manifests = [manifest(1, 0, "s", { "node:Person": 1 })];
  const judged = (events: TraceEvent[]) => recoveryAudited(ctx({ ops: [writer(null)], events, manifests, audits: [{ operationId: "01OP", kind: "RolledBack", outcomes: BACK }] })).map((v) => v.kind);
  const apply = (staging: TraceEvent[]) => [put("w", sidecar("SchemaApply", 1, 2)), commit("w", 2), ...staging, pad, del("opener")];
  // Planted: every table committed and every staging file landed; recovery rolled it back.
  expect(judged(apply(staged))).toEqual(["recovery-wrong-decision"]);
  // A torn staging file (found at partial-staging-promotion seed 187 with --faults all): no valid
  // schema to promote, so the roll-back is right.
  expect(judged(apply([staged[0]!, staged[1]!, torn, staged[2]!]))).toEqual([]);
  // Put again whole after the tear (the fixed engine's read-back), it is promotion evidence again.
  expect(judged(apply([staged[0]!, staged[1]!, torn, staged[2]!, staged[2]!]))).toEqual(["recovery-wrong-decision"]);
});

test("recovery-audited: a branch merge's roll-back is wrong only once its Phase-B confirmation landed", () => {
  // random-workload-branches seed 1311 with --faults all on fixed: a merge committed its table
  // and failed before its confirmation; recovery rolled the unconfirmed sidecar back, by design.
  const manifests = [manifest(1, 0, "s", { "node:Person": 1 })];
  const judged = (events: TraceEvent[]) => recoveryAudited(ctx({ ops: [writer(null)], events, manifests, audits: [{ operationId: "01OP", kind: "RolledBack", outcomes: BACK }] })).map((v) => v.kind);
  const merge = sidecar("BranchMerge", 1, 2);
  expect(judged([put("w", merge), commit("w", 2), pad, del("opener")])).toEqual([]);
  // Planted: confirmed (the writer rewrote its sidecar), yet rolled back.
  expect(judged([put("w", merge), commit("w", 2), put("w", merge), pad, del("opener")])).toEqual(["recovery-wrong-decision"]);
});
