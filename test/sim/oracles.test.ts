// Each oracle, shown going red on a planted defect and staying green without it. The oracles
// are functions of what a finished universe left (trace, history, published snapshots, raw
// store), so the defects are planted there directly.
import { expect, test } from "vitest";
import { OmniError } from "../../engine/errors.ts";
import { PROFILES } from "../../engine/fixes.ts";
import { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import { SCHEMA_SOURCE_FILE } from "../../engine/schema/contract.ts";
import type { Version } from "../../engine/storage/types.ts";
import { CARD_SCHEMA } from "../../scenarios/kit/schemas.ts";
import { failedOpsAllOrNothing } from "../../sim/oracles/atomicity.ts";
import { auditedOnce } from "../../sim/oracles/audit.ts";
import { cardinalityAndIntegrity } from "../../sim/oracles/card-ri.ts";
import type { AuditRecord } from "../../sim/oracles/context.ts";
import { ackedWritesVisible } from "../../sim/oracles/durability.ts";
import { type Effect, type Expectation, History, NO_EFFECT, type OpKind } from "../../sim/oracles/history.ts";
import { judge } from "../../sim/oracles/judge.ts";
import { recoverAndCheckLiveness } from "../../sim/oracles/liveness.ts";
import { operationsEndAsAllowed } from "../../sim/oracles/op-policy.ts";
import { liveSidecarsUntouched } from "../../sim/oracles/sidecar-ownership.ts";
import type { Actor } from "../../sim/scheduler.ts";
import type { TraceEvent } from "../../sim/trace.ts";
import { FP } from "../../failpoints/catalog.ts";
import { runUniverse } from "../../sim/universe.ts";
import { ctx, op, snap } from "./oracle-fixtures.ts";

const people = (...ids: string[]) => ids.map((id) => ({ id }));
const alice = { table: "node:Person" as const, column: "id", value: "Alice" };
const bob = { table: "node:Person" as const, column: "id", value: "Bob" };

test("card-and-integrity: red on two edges for one source under @card(0..1) and on a dangling edge", () => {
  const good = snap(3, 5, { "node:Person": people("Alice"), "node:Company": people("Acme", "Beta"), "edge:WorksAt": [{ id: "e1", src: "Alice", dst: "Acme" }] });
  expect(cardinalityAndIntegrity(ctx({ snapshots: [good] }))).toEqual([]);
  const twoEdges = snap(4, 6, { ...Object.fromEntries(good.tables), "edge:WorksAt": [{ id: "e1", src: "Alice", dst: "Acme" }, { id: "e2", src: "Alice", dst: "Beta" }] });
  expect(cardinalityAndIntegrity(ctx({ snapshots: [twoEdges] })).map((v) => v.kind)).toEqual(["card-violated"]);
  const dangling = snap(5, 7, { ...Object.fromEntries(good.tables), "edge:Knows": [{ id: "k1", src: "Alice", dst: "Ghost" }] });
  expect(cardinalityAndIntegrity(ctx({ snapshots: [dangling] })).map((v) => v.kind)).toEqual(["dangling-edge"]);
});

test("acked-writes-visible: red when a snapshot after the ack lacks the acknowledged row", () => {
  const insert = op({ label: "insert Alice", effect: { inserts: [alice], deletes: [], updates: [] }, end: 10 });
  const shows = [snap(2, 8, { "node:Person": people("Alice") }), snap(3, 12, { "node:Person": people("Alice") })];
  expect(ackedWritesVisible(ctx({ ops: [insert], snapshots: shows }))).toEqual([]);
  const loses = [snap(2, 8, { "node:Person": people("Alice") }), snap(3, 12, { "node:Person": [] })];
  expect(ackedWritesVisible(ctx({ ops: [insert], snapshots: loses })).map((v) => v.kind)).toEqual(["acked-write-lost"]);
  // A later delete of the same row is allowed to remove it.
  const del = op({ label: "delete Alice", effect: { inserts: [], deletes: [alice], updates: [] }, start: 11, end: 13 });
  expect(ackedWritesVisible(ctx({ ops: [insert, del], snapshots: loses }))).toEqual([]);
});

test("failed-ops-all-or-nothing: red when a failed operation is half visible", () => {
  const effect: Effect = { inserts: [alice, bob], deletes: [], updates: [] };
  const failed = op({ label: "insert Alice and Bob", effect, status: "err", errorKind: "InjectedFailure", start: 0 });
  expect(failedOpsAllOrNothing(ctx({ ops: [failed], snapshots: [snap(2, 5, { "node:Person": people("Alice", "Bob") })] }))).toEqual([]);
  expect(failedOpsAllOrNothing(ctx({ ops: [failed], snapshots: [snap(2, 5, { "node:Person": [] })] }))).toEqual([]);
  expect(failedOpsAllOrNothing(ctx({ ops: [failed], snapshots: [snap(2, 5, { "node:Person": people("Alice") })] })).map((v) => v.kind)).toEqual(["partial-effect"]);
});

test("failed-ops-all-or-nothing: only an operation that may have taken effect and began before the snapshot explains a row", () => {
  const effect: Effect = { inserts: [alice, bob], deletes: [], updates: [] };
  const failed = op({ label: "insert Alice and Bob", effect, status: "err", errorKind: "InjectedFailure", start: 0 });
  const half = [snap(2, 5, { "node:Person": people("Alice") })];
  // An acknowledged insert of Alice before the snapshot explains her: nothing left to judge half of.
  const insertsAlice = op({ label: "insert Alice", actor: { name: "b", status: "done" } as Actor, effect: { inserts: [alice], deletes: [], updates: [] }, start: 1, end: 4 });
  expect(failedOpsAllOrNothing(ctx({ ops: [failed, insertsAlice], snapshots: half }))).toEqual([]);
  // Planted: the same insert began after the snapshot, or failed with no trace of effect: it
  // explains nothing, and the half-visible failed operation is red.
  const after = { ...insertsAlice, start: 6, end: 9 };
  expect(failedOpsAllOrNothing(ctx({ ops: [failed, after], snapshots: half })).map((v) => v.kind)).toEqual(["partial-effect"]);
  const noEffect = { ...insertsAlice, status: "err" as const, errorKind: "InjectedFailure" };
  expect(failedOpsAllOrNothing(ctx({ ops: [failed, noEffect], snapshots: half })).map((v) => v.kind)).toEqual(["partial-effect"]);
});

test("audited-once: red when one operation has two audit rows", () => {
  const row = (operationId: string): AuditRecord => ({ operationId, kind: "RolledForward", outcomes: [] });
  expect(auditedOnce(ctx({ audits: [row("op-1"), row("op-2")] }))).toEqual([]);
  expect(auditedOnce(ctx({ audits: [row("op-1"), row("op-2"), row("op-1")] })).map((v) => v.kind)).toEqual(["audit-duplicated"]);
});

test("live-sidecars-untouched: red when another actor deletes a sidecar while its writer runs", () => {
  const key = "__recovery/01X.json";
  const put: TraceEvent = { e: "io", actor: "writer", op: "objects.put", args: { key }, ok: null };
  const del = (actor: string): TraceEvent => ({ e: "io", actor, op: "objects.delete", args: { key }, ok: null });
  const writer = op({ label: "writer: insert", actor: { name: "writer", status: "done" } as Actor, start: 0, end: 5 });
  expect(liveSidecarsUntouched(ctx({ ops: [writer], events: [put, del("writer")] }))).toEqual([]);
  expect(liveSidecarsUntouched(ctx({ ops: [writer], events: [put, del("opener")] })).map((v) => v.kind)).toEqual(["live-sidecar-deleted"]);
  // Once the writer's operation ended, recovery may take its sidecar.
  const events = [put, { e: "pad" }, { e: "pad" }, { e: "pad" }, { e: "pad" }, { e: "pad" }, del("opener")] as TraceEvent[];
  expect(liveSidecarsUntouched(ctx({ ops: [writer], events }))).toEqual([]);
});

test("operations-end-as-allowed: red on a wedged write, a spurious storage error, a failed must-succeed, a successful must-fail", () => {
  const err = (label: string, kind: OpKind, errorKind: string, expect: Expectation = {}) => op({ label, kind, status: "err", errorKind, errorMessage: errorKind, expect });
  expect(operationsEndAsAllowed(ctx({ ops: [err("stale update", "mutate", "ExpectedVersionMismatch")] }))).toEqual([]);
  const kinds = operationsEndAsAllowed(
    ctx({
      ops: [
        err("write", "mutate", "DriftAhead"),
        err("write", "mutate", "StorageFailure"),
        err("open", "open", "ExpectedVersionMismatch"),
        err("optimize", "optimize", "ExpectedVersionMismatch"),
        err("update", "mutate", "ExpectedVersionMismatch", { mustSucceed: { violation: "maintenance-failed-logical-write", why: "" } }),
        op({ label: "stale update", expect: { mustFail: { kind: "ExpectedVersionMismatch", violation: "stale-write-succeeded", why: "" } } }),
      ],
    }),
  ).map((v) => v.kind);
  expect(kinds).toEqual(["wedged-write", "spurious-storage-failure", "open-failed", "maintenance-failed", "maintenance-failed-logical-write", "stale-write-succeeded"]);
});

test("operations-end-as-allowed: a schema apply may refuse a main that advanced under it, by its check or its publish's head expectation", () => {
  const err = (errorKind: string) => op({ label: "apply", kind: "schemaApply", status: "err", errorKind, errorMessage: errorKind });
  expect(operationsEndAsAllowed(ctx({ ops: [err("SchemaApplyLeaseLost"), err("ReadSetChanged")] }))).toEqual([]);
  // Planted: a conflict no correct apply reports stays a bug.
  expect(operationsEndAsAllowed(ctx({ ops: [err("ConcurrentModification")] })).map((v) => v.kind)).toEqual(["unexpected-error"]);
});

test("operations-end-as-allowed: a write refuses with a retryable conflict only where a failpoint failed its fresh authority read", () => {
  // The orphaned-fork check's fresh read failed (an error injected at classify.fresh_read): the
  // write refuses, retryably, as upstream's reclaim does (net-zero-merge seed 108 on upstream).
  const refused = op({ label: "insert e1 on feature", status: "err", errorKind: "BranchConflict", errorMessage: "fresh manifest authority was unavailable", start: 0, end: 4 });
  const struck = (actor: string, name: string, decision = "error"): TraceEvent[] => [{ e: "choose", label: "pad", n: 1, v: 0 }, { e: "failpoint", actor, name, decision }, { e: "choose", label: "pad", n: 1, v: 0 }];
  expect(operationsEndAsAllowed(ctx({ ops: [refused], events: struck("a", FP.CLASSIFY_FRESH_READ) }))).toEqual([]);
  // Planted: the same refusal with no injected failure behind it, or one at another failpoint,
  // in another actor, or a failpoint that passed: a write's BranchConflict is a bug.
  for (const events of [[], struck("a", FP.RECOVERY_SIDECAR_WRITE), struck("b", FP.CLASSIFY_FRESH_READ), struck("a", FP.CLASSIFY_FRESH_READ, "pass")]) {
    expect(operationsEndAsAllowed(ctx({ ops: [refused], events })).map((v) => v.kind)).toEqual(["unexpected-error"]);
  }
});

test("liveness: red when drift no sidecar covers survives recovery, and the next write is wedged", async () => {
  const plantDrift = async (plant: boolean) =>
    runUniverse({
      seed: 1,
      fixes: PROFILES.seed,
      spec: {
        name: "planted/drift",
        async direct(world) {
          const history = new History(world);
          const env = world.env(world.process("setup"));
          await Omnigraph.init(env, CARD_SCHEMA);
          if (plant) {
            // A commit published nowhere and covered by no sidecar: what B8 leaves behind.
            const path = tablePathForTableKey("node:Person");
            await env.storage.datasets.commit(path, null, 1 as Version, { op: "Append", rows: [{ id: "ghost" }] });
          }
          const probe = { kind: "insertNode", type: "Person", props: { name: "probe" } } as const;
          await recoverAndCheckLiveness(world, history, { op: probe, row: alice, schema: CARD_SCHEMA });
          for (const v of operationsEndAsAllowed({ ...ctx({}), history })) world.violation(v);
        },
      },
    });
  expect((await plantDrift(false)).violations).toEqual([]);
  expect((await plantDrift(true)).violations.map((v) => v.kind)).toEqual(["drift-after-recovery", "wedged-write"]);
});

test("judge: a graph left without its schema file is a violation (fail closed), and the operations are still judged", async () => {
  const r = await runUniverse({
    spec: {
      name: "schema-deleted",
      async direct(world) {
        const history = new History(world);
        const env = world.env(world.process("p"));
        await history.run("init", "open", NO_EFFECT, {}, () => Omnigraph.init(env, CARD_SCHEMA));
        await history.attempt("probe", "mutate", NO_EFFECT, {}, () => Promise.reject(new OmniError("DriftAhead", { tableKey: "node:Person", head: 2 as Version, pinned: 1 as Version, sidecarRequiresRollback: false }, "planted")));
        await world.storage.objects.delete(SCHEMA_SOURCE_FILE);
        await judge(world, history);
      },
    },
    seed: 1,
    fixes: PROFILES.seed,
  });
  expect(r.violations.map((v) => v.kind)).toEqual(["wedged-write", "final-state-unreadable"]);
});
