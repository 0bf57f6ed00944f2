// The branch oracles, each shown going red on a planted defect and staying green without it:
// the defects are planted in what a finished universe left (history, and the snapshots each
// live branch published), as test/sim/oracles.test.ts does for main's.
import { expect, test } from "vitest";
import { compileSchema } from "../../engine/schema/catalog-builder.ts";
import type { Row, TableKey, Version } from "../../engine/storage/types.ts";
import type { BranchHistory } from "../../sim/oracles/branch-snapshots.ts";
import { ackedWritesVisibleOnBranches, branchesReadable, cardAndIntegrityOnBranches, mergeAllOrNothing, parentWritesVisibleOnBranches } from "../../sim/oracles/branches.ts";
import type { JudgeContext } from "../../sim/oracles/context.ts";
import { ackedWritesVisible } from "../../sim/oracles/durability.ts";
import { type Effect, type Expectation, History, NO_EFFECT, type OpRecord } from "../../sim/oracles/history.ts";
import type { PublishedSnapshot } from "../../sim/oracles/published.ts";
import type { Actor } from "../../sim/scheduler.ts";
import { VirtualStore } from "../../sim/store/virtual-store.ts";
import { CARD_SCHEMA } from "../../scenarios/kit/schemas.ts";
import { GRAPH_COMMITS } from "../../engine/manifest/layout.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import { orphanedForks } from "../../sim/oracles/forks.ts";
import { inWorld } from "../engine/helpers.ts";
import { startProcess } from "../engine/support.ts";

const catalog = compileSchema(CARD_SCHEMA);

function snap(version: number, at: number, tables: Record<string, Row[]>): PublishedSnapshot {
  return { version: version as Version, at, tables: new Map(Object.entries(tables) as [TableKey, Row[]][]), pins: [] };
}

function op(partial: Partial<OpRecord> & { label: string }): OpRecord {
  return {
    id: 1,
    kind: "mutate",
    actor: { name: "a", status: "done" } as Actor,
    effect: NO_EFFECT,
    expect: {} as Expectation,
    start: 0,
    end: 10,
    status: "ok",
    errorKind: null,
    errorMessage: null,
    errorTable: null,
    ...partial,
  };
}

function branch(name: string, snapshots: PublishedSnapshot[], extra: Partial<BranchHistory> = {}): BranchHistory {
  return { branch: name, createdAt: -1, snapshots, manifests: [], newest: snapshots.at(-1) ?? snap(0, Number.MAX_SAFE_INTEGER, {}), parent: "main", unreadable: [], ...extra };
}

function ctx(parts: { ops?: OpRecord[]; snapshots?: PublishedSnapshot[]; branches?: BranchHistory[] }): JudgeContext {
  const history = new History(null as never);
  history.ops.push(...(parts.ops ?? []));
  return { events: [], history, manifests: [], snapshots: parts.snapshots ?? [], branches: parts.branches ?? [], sidecars: [], audits: [], rolledForward: new Set(), catalog, raw: new VirtualStore() };
}

const people = (...ids: string[]) => ids.map((id) => ({ id }));
const ref = (id: string) => ({ table: "node:Person" as const, column: "id", value: id });
const inserts = (b: string, ...ids: string[]): Effect => ({ branch: b, inserts: ids.map(ref), deletes: [], updates: [] });

test("card-and-integrity-on-branches: red on two edges for one source on a branch, and on a branch's dangling edge", () => {
  const good = snap(7, 5, { "node:Person": people("Alice"), "node:Company": people("Acme", "Beta"), "edge:WorksAt": [{ id: "e1", src: "Alice", dst: "Acme" }] });
  expect(cardAndIntegrityOnBranches(ctx({ branches: [branch("b0", [good])] }))).toEqual([]);
  const twoEdges = snap(8, 6, { ...Object.fromEntries(good.tables), "edge:WorksAt": [{ id: "e1", src: "Alice", dst: "Acme" }, { id: "e2", src: "Alice", dst: "Beta" }] });
  const found = cardAndIntegrityOnBranches(ctx({ branches: [branch("b0", [good, twoEdges])] }));
  expect(found.map((v) => [v.kind, (v.details as { branch?: string }).branch])).toEqual([["card-violated", "b0"]]);
  expect(found[0]!.message).toContain("b0's manifest v8");
  const dangling = snap(9, 7, { ...Object.fromEntries(good.tables), "edge:Knows": [{ id: "k1", src: "Alice", dst: "Ghost" }] });
  expect(cardAndIntegrityOnBranches(ctx({ branches: [branch("b1", [dangling])] })).map((v) => v.kind)).toEqual(["dangling-edge"]);
});

test("acked-writes-visible-on-branches: red when a branch's later snapshot lacks a write acknowledged there; main's oracle leaves it alone", () => {
  const write = op({ label: "insert Alice on b0", effect: inserts("b0", "Alice"), start: 2, end: 10 });
  const shows = snap(7, 9, { "node:Person": people("Alice") });
  const lost = snap(8, 12, { "node:Person": people() });
  expect(ackedWritesVisibleOnBranches(ctx({ ops: [write], branches: [branch("b0", [shows])] }))).toEqual([]);
  const found = ackedWritesVisibleOnBranches(ctx({ ops: [write], branches: [branch("b0", [shows, lost])] }));
  expect(found.map((v) => [v.kind, (v.details as { branch?: string }).branch])).toEqual([["acked-write-lost", "b0"]]);
  // A branch made again after the write is another branch: the write is not judged there.
  expect(ackedWritesVisibleOnBranches(ctx({ ops: [write], branches: [branch("b0", [lost], { createdAt: 11 })] }))).toEqual([]);
  // Main's snapshots never judge a branch's write.
  expect(ackedWritesVisible(ctx({ ops: [write], snapshots: [lost] }))).toEqual([]);
});

test("branches-readable: red when a live branch's newest manifest pins a table version that cannot be read", () => {
  expect(branchesReadable(ctx({ branches: [branch("b1", [])] }))).toEqual([]);
  const found = branchesReadable(ctx({ branches: [branch("b1", [], { unreadable: [{ tableKey: "node:Person" as TableKey, ref: "b0", version: 3 as Version }] })] }));
  expect(found.map((v) => [v.kind, v.table])).toEqual([["branch-unreadable", "node:Person"]]);
});

test("merge-all-or-nothing: red when the target shows part of what the merge brings; green on all or none", () => {
  const onSource = op({ label: "insert Alice and Bob on b0", effect: inserts("b0", "Alice", "Bob"), start: 1, end: 5 });
  const merge = op({ label: "merge b0 into main", kind: "branchMerge", effect: { ...NO_EFFECT, branch: "main", mergedFrom: "b0" }, start: 10, end: 20, status: "err", errorKind: "InjectedFailure" });
  const before = snap(3, 8, { "node:Person": people("Carol") });
  const judge = (after: string[]) => mergeAllOrNothing(ctx({ ops: [onSource, merge], snapshots: [before, snap(4, 15, { "node:Person": people("Carol", ...after) })] }));
  expect(judge([])).toEqual([]);
  expect(judge(["Alice", "Bob"])).toEqual([]);
  const found = judge(["Alice"]);
  expect(found.map((v) => [v.kind, v.op?.kind])).toEqual([["merge-partial", "branchMerge"]]);
  expect(found[0]!.message).toContain("not node:Person[id=Bob]");
  // Another merge into the same target at the same time may bring part of it: not judged.
  const overlapping = op({ label: "merge b1 into main", kind: "branchMerge", effect: { ...NO_EFFECT, branch: "main", mergedFrom: "b1" }, start: 12, end: 14 });
  expect(mergeAllOrNothing(ctx({ ops: [onSource, merge, overlapping], snapshots: [before, snap(4, 15, { "node:Person": people("Carol", "Alice") })] }))).toEqual([]);
  // A target branch's snapshots judge a merge into it.
  const intoB1 = op({ label: "merge b0 into b1", kind: "branchMerge", effect: { ...NO_EFFECT, branch: "b1", mergedFrom: "b0" }, start: 10, end: null, status: "pending" });
  const b1 = branch("b1", [snap(5, 9, { "node:Person": people() }), snap(6, 16, { "node:Person": people("Bob") })]);
  expect(mergeAllOrNothing(ctx({ ops: [onSource, intoB1], branches: [b1] })).map((v) => v.kind)).toEqual(["merge-partial"]);
});

test("orphaned-forks: red on a table fork and a lineage branch no live branch reads; green once the reconciler ran", async () => {
  await inWorld(async (w) => {
    const raw = w.backend.storage;
    const db = await startProcess(w, "init").init(CARD_SCHEMA);
    await db.branchCreate("feature");
    await db.mutate([{ kind: "insertNode", type: "Person", props: { name: "Alice" } }], null, { branch: "feature" });
    expect(await orphanedForks(raw)).toEqual([]);
    // Planted: a fork of a table behind every manifest's back, and a lineage branch of no graph branch.
    const person = tablePathForTableKey("node:Person" as TableKey);
    await raw.datasets.createBranch(person, "ghost", null, await raw.datasets.latestVersion(person, null));
    await raw.datasets.createBranch(GRAPH_COMMITS, "gone", null, await raw.datasets.latestVersion(GRAPH_COMMITS, null));
    expect((await orphanedForks(raw)).map((v) => [v.kind, (v.details as { ref: string }).ref])).toEqual([
      ["orphaned-fork", "ghost"],
      ["orphaned-fork", "gone"],
    ]);
    await db.reconcileOrphanedBranches();
    expect(await orphanedForks(raw)).toEqual([]);
  });
});

test("parent-writes-visible-on-branches: red when a branch's newest manifest lacks a write acknowledged on its parent before it was made", () => {
  const onB0 = op({ label: "insert Alice on b0", effect: inserts("b0", "Alice"), start: 5, end: 10 });
  const child = (rows: string[], extra: Partial<BranchHistory> = {}) =>
    branch("b1", [], { parent: "b0", createdAt: 20, newest: snap(9, Number.MAX_SAFE_INTEGER, { "node:Person": people(...rows) }), ...extra });
  expect(parentWritesVisibleOnBranches(ctx({ ops: [onB0], branches: [child(["Alice"])] }))).toEqual([]);
  const found = parentWritesVisibleOnBranches(ctx({ ops: [onB0], branches: [child(["Carol"])] }));
  expect(found.map((v) => [v.kind, (v.details as { branch: string }).branch])).toEqual([["inherited-write-lost", "b1"]]);
  // A write acknowledged after the child was made is not the child's.
  expect(parentWritesVisibleOnBranches(ctx({ ops: [{ ...onB0, end: 25 }], branches: [child(["Carol"])] }))).toEqual([]);
});

test("the branch oracles' exemption is ordered: only an operation that may follow the write and may have taken effect excuses a missing row", () => {
  const onB0 = op({ label: "insert Alice on b0", effect: inserts("b0", "Alice"), start: 5, end: 10 });
  const child = branch("b1", [], { parent: "b0", createdAt: 20, newest: snap(9, Number.MAX_SAFE_INTEGER, { "node:Person": people("Carol") }) });
  const deletes = (b: string, ...ids: string[]): Effect => ({ branch: b, inserts: [], deletes: ids.map(ref), updates: [] });
  const d = { name: "d", status: "done" } as Actor;
  const judge = (other: OpRecord, b0Manifests: BranchHistory["manifests"] = []) =>
    parentWritesVisibleOnBranches(ctx({ ops: [onB0, other], branches: [branch("b0", [], { manifests: b0Manifests }), child] })).map((v) => v.kind);
  // A delete of Alice that may follow the insert excuses her absence.
  expect(judge(op({ label: "delete Alice on b0", effect: deletes("b0", "Alice"), start: 12, end: 15, actor: d }))).toEqual([]);
  // One that ended before the insert began cannot have removed her (the unordered rule excused it).
  expect(judge(op({ label: "delete Alice on b0", effect: deletes("b0", "Alice"), start: 1, end: 3, actor: d }))).toEqual(["inherited-write-lost"]);
  // A failed delete excuses only if it published on its own branch's manifest within its window.
  const failed = op({ label: "delete Alice on b0", effect: deletes("b0", "Alice"), start: 12, end: 16, actor: d, status: "err", errorKind: "InjectedFailure" });
  expect(judge(failed)).toEqual(["inherited-write-lost"]);
  const pin = (v: number) => [{ tableKey: "node:Person" as TableKey, path: "nodes/person" as never, version: v as Version }];
  const published = [
    { version: 3 as Version, at: 8, actor: "a", pins: pin(2), headToken: null, leases: [] },
    { version: 4 as Version, at: 14, actor: "d", pins: pin(3), headToken: null, leases: [] },
  ];
  expect(judge(failed, published)).toEqual([]);
  // The same ordering in merge-all-or-nothing: a delete of Bob on the source that ended before
  // Bob's insert began leaves Bob among what the merge brings.
  const onSource = op({ label: "insert Alice and Bob on b0", effect: inserts("b0", "Alice", "Bob"), start: 5, end: 8 });
  const merge = op({ label: "merge b0 into main", kind: "branchMerge", effect: { ...NO_EFFECT, branch: "main", mergedFrom: "b0" }, start: 10, end: 20 });
  const snaps = [snap(3, 9, { "node:Person": people("Carol") }), snap(4, 15, { "node:Person": people("Carol", "Alice") })];
  const early = op({ label: "delete Bob on b0", effect: deletes("b0", "Bob"), start: 1, end: 3, actor: d });
  expect(mergeAllOrNothing(ctx({ ops: [early, onSource, merge], snapshots: snaps })).map((v) => v.kind)).toEqual(["merge-partial"]);
  const later = op({ label: "delete Bob on b0", effect: deletes("b0", "Bob"), start: 9, end: 12, actor: d });
  expect(mergeAllOrNothing(ctx({ ops: [later, onSource, merge], snapshots: snaps }))).toEqual([]);
});

test("merge-all-or-nothing: an earlier failed attempt's rows, rolled forward as the retry begins, are that attempt's; any other part is red", () => {
  const alice = op({ label: "insert Alice on b0", effect: inserts("b0", "Alice"), start: 1, end: 3 });
  const failed = op({ label: "merge b0 into main", kind: "branchMerge", effect: { ...NO_EFFECT, branch: "main", mergedFrom: "b0" }, start: 4, end: 8, status: "err", errorKind: "InjectedFailure" });
  const bob = op({ label: "insert Bob on b0", effect: inserts("b0", "Bob"), start: 9, end: 11 });
  const retry = op({ label: "merge b0 into main", kind: "branchMerge", effect: { ...NO_EFFECT, branch: "main", mergedFrom: "b0" }, start: 12, end: 20 });
  const before = snap(3, 2, { "node:Person": people("Carol") });
  const judge = (ops: OpRecord[], mid: string[]) =>
    mergeAllOrNothing(ctx({ ops, snapshots: [before, snap(4, 14, { "node:Person": people("Carol", ...mid) }), snap(5, 18, { "node:Person": people("Carol", "Alice", "Bob") })] })).map((v) => v.message);
  // The retry's recovery publishes the failed attempt's sidecar (Alice), then the retry brings Bob.
  expect(judge([alice, failed, bob, retry], ["Alice"])).toEqual([]);
  // Without that attempt, or showing what it never brought, the retry shows part of its rows.
  expect(judge([alice, bob, retry], ["Alice"])).toEqual([expect.stringContaining("v4 shows node:Person[id=Alice] but not node:Person[id=Bob]")]);
  expect(judge([alice, failed, bob, retry], ["Bob"])).toEqual([expect.stringContaining("v4 shows node:Person[id=Bob] but not node:Person[id=Alice]")]);
  // An attempt that succeeded published its rows before it ended: nothing of it to roll forward.
  expect(judge([alice, { ...failed, status: "ok", errorKind: null }, bob, retry], ["Alice"])).toHaveLength(1);
});

test("acked-writes-visible-on-branches: a later failed update on the branch excuses a changed value only if it published on that branch's manifest", () => {
  // The false red of random-workload-branches (fixed, portfolio seed 54): an update acknowledged
  // on b1, then another update of the same row on b1 that published there and failed after (a
  // fault before its commit-graph append). b1 shows the second value: the first write was not
  // lost. Whether the failed update took effect is b1's manifests' to say, never main's.
  const d = { name: "d", status: "done" } as Actor;
  const update = (age: number): Effect => ({ branch: "b1", inserts: [], deletes: [], updates: [{ row: ref("Alice"), set: { age } }] });
  const acked = op({ label: "update Alice age = 1 on b1", effect: update(1), start: 2, end: 10 });
  const failed = op({ label: "update Alice age = 2 on b1", effect: update(2), start: 12, end: 18, actor: d, status: "err", errorKind: "InjectedFailure" });
  const shows = snap(7, 9, { "node:Person": [{ id: "Alice", age: 1 }] });
  const later = snap(8, 15, { "node:Person": [{ id: "Alice", age: 2 }] });
  const pin = (v: number) => [{ tableKey: "node:Person" as TableKey, path: "nodes/person" as never, version: v as Version }];
  const b1Manifests = [
    { version: 7 as Version, at: 9, actor: "a", pins: pin(2), headToken: null, leases: [] },
    { version: 8 as Version, at: 15, actor: "d", pins: pin(3), headToken: null, leases: [] },
  ];
  const judge = (manifests: BranchHistory["manifests"], mainManifests: JudgeContext["manifests"] = []) =>
    ackedWritesVisibleOnBranches({ ...ctx({ ops: [acked, failed], branches: [branch("b1", [shows, later], { manifests })] }), manifests: mainManifests }).map((v) => v.kind);
  expect(judge(b1Manifests)).toEqual([]);
  // Planted: the failed update left no publish on b1 (the same version moved by no one of its
  // window): the value it shows is a lost acknowledged update, even with main's manifests
  // showing the failed update's actor publishing in that window.
  const noPublish = [b1Manifests[0]!, { ...b1Manifests[1]!, actor: "someone else" }];
  expect(judge(noPublish, b1Manifests)).toEqual(["acked-write-lost"]);
});

test("merge-all-or-nothing: what a merge brings is what its source's incarnation at the merge acknowledged, even once that source is deleted", () => {
  // The false red of random-workload-branches (fixed, portfolio seed 335): b0 deleted and made
  // again, the new b0 merged into main, then deleted. The old b0's insert is not the merge's to
  // bring; the oracle took every b0 write as the source's, since a deleted source has no history.
  const onOldB0 = op({ label: "insert Alice on b0", effect: inserts("b0", "Alice"), start: 1, end: 3 });
  const onNewB0 = op({ label: "insert Bob and Dan on b0", effect: inserts("b0", "Bob", "Dan"), start: 6, end: 8 });
  const merge = op({ label: "merge b0 into main", kind: "branchMerge", effect: { ...NO_EFFECT, branch: "main", mergedFrom: "b0" }, start: 10, end: 20 });
  const created = (at: number) => {
    const events: JudgeContext["events"][number][] = Array.from({ length: 12 }, () => ({ e: "finish", actor: "x" }) as const);
    events[at] = { e: "io", actor: "x", op: "manifest.createBranch", args: { name: "b0" }, ok: null };
    return events;
  };
  const judge = (createdAt: number, shown: string[]) =>
    mergeAllOrNothing({
      ...ctx({ ops: [onOldB0, onNewB0, merge], snapshots: [snap(3, 9, { "node:Person": people("Carol") }), snap(4, 15, { "node:Person": people("Carol", ...shown) })] }),
      events: created(createdAt),
    }).map((v) => v.kind);
  // b0 made again at 4: the merge brought Bob and Dan, all of them.
  expect(judge(4, ["Bob", "Dan"])).toEqual([]);
  // Planted: only part of the new incarnation's rows.
  expect(judge(4, ["Bob"])).toEqual(["merge-partial"]);
  // b0 made once, at 0: Alice is the merge's to bring too.
  expect(judge(0, ["Bob", "Dan"])).toEqual(["merge-partial"]);
});

test("parent-writes-visible-on-branches: a write acknowledged while the branch's create ran is concurrent with it; one acknowledged before it began is not", () => {
  // The false red of random-workload-branches (fixed, random seed 66): a load on main was
  // acknowledged after the create of b1 had read main's head and before it made b1's manifest
  // branch; the oracle took the manifest branch's creation as the create's only moment.
  const creator = { name: "c", status: "done" } as Actor;
  const create = op({ label: "branch create b1 from b0", kind: "branchCreate", actor: creator, start: 8, end: 22 });
  const events: JudgeContext["events"][number][] = Array.from({ length: 24 }, () => ({ e: "finish", actor: "x" }) as const);
  events[20] = { e: "io", actor: "c", op: "manifest.createBranch", args: { name: "b1" }, ok: null };
  const child = branch("b1", [], { parent: "b0", createdAt: 20, newest: snap(9, Number.MAX_SAFE_INTEGER, { "node:Person": people("Carol") }) });
  const judge = (write: OpRecord) => parentWritesVisibleOnBranches({ ...ctx({ ops: [write, create], branches: [child] }), events }).map((v) => v.kind);
  // Acknowledged at 10, while the create (8 to 22) ran: not judged.
  expect(judge(op({ label: "insert Alice on b0", effect: inserts("b0", "Alice"), start: 5, end: 10 }))).toEqual([]);
  // Planted: acknowledged at 6, before the create began, and missing from b1.
  expect(judge(op({ label: "insert Alice on b0", effect: inserts("b0", "Alice"), start: 2, end: 6 }))).toEqual(["inherited-write-lost"]);
});
