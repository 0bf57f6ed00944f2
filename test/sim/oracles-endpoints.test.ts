// missing-endpoints-have-a-cause: an edge insert's MissingEndpoint is spurious when every endpoint
// it names was in every published state of its branch in its window; any state of the window
// without one (not yet published when it began, deleted inside it, never published) is a cause.
import { expect, test } from "vitest";
import type { Row, TableKey, Version } from "../../engine/storage/types.ts";
import { mutationEffect, loadEffect } from "../../scenarios/kit/effects.ts";
import { missingEndpointsHaveCause } from "../../sim/oracles/endpoints.ts";
import type { Effect } from "../../sim/oracles/history.ts";
import type { PublishedSnapshot } from "../../sim/oracles/published.ts";
import { ctx, op } from "./oracle-fixtures.ts";

const PERSON = "node:Person" as TableKey;
const COMPANY = "node:Company" as TableKey;

/** A published state at trace index `at` pinning Person and Company, with these people and companies. */
function state(version: number, at: number, people: string[], companies = ["Acme"]): PublishedSnapshot {
  const tables = new Map<TableKey, readonly Row[]>([
    [PERSON, people.map((id) => ({ id }))],
    [COMPANY, companies.map((id) => ({ id }))],
  ]);
  const pins = [PERSON, COMPANY].map((tableKey) => ({ tableKey, path: `nodes/${tableKey}` as never, version: version as Version }));
  return { version: version as Version, at, tables, pins };
}

// Alice works at Acme (CARD_SCHEMA: WorksAt is Person -> Company), in a window from 10 to 20.
const insertEdge: Effect = mutationEffect([{ kind: "insertEdge", type: "WorksAt", from: "Alice", to: "Acme" }]);
const failed = op({ label: "Alice works at Acme", effect: insertEdge, start: 10, end: 20, status: "err", errorKind: "MissingEndpoint", errorMessage: "src Person 'Alice' does not exist" });
const kinds = (snapshots: PublishedSnapshot[], o = failed) => missingEndpointsHaveCause(ctx({ ops: [o], snapshots })).map((v) => v.kind);

test("missing-endpoints-have-a-cause: a planted MissingEndpoint for a node published before the write began is spurious", () => {
  // The stale-handle read: Alice was published at 5, before the write began, and stayed.
  expect(kinds([state(2, 5, ["Alice"]), state(3, 15, ["Alice", "Bob"])])).toEqual(["spurious-missing-endpoint"]);
  // What a state after the write ended shows does not matter.
  expect(kinds([state(2, 5, ["Alice"]), state(3, 25, [])])).toEqual(["spurious-missing-endpoint"]);
  // The same for a load's edge, and for the destination.
  const load = op({ ...failed, kind: "load", effect: loadEffect({ mode: "Append", edges: { WorksAt: [{ from: "Alice", to: "Acme" }] } }) });
  expect(kinds([state(2, 5, ["Alice"])], load)).toEqual(["spurious-missing-endpoint"]);
  expect(kinds([state(2, 5, ["Alice"], [])])).toEqual([]);
});

test("missing-endpoints-have-a-cause: an endpoint absent from any state of the window is a cause", () => {
  // Published only after the write began: the write may have read the state before it.
  expect(kinds([state(2, 5, []), state(3, 15, ["Alice"])])).toEqual([]);
  // Deleted inside the window.
  expect(kinds([state(2, 5, ["Alice"]), state(3, 15, [])])).toEqual([]);
  // Never published at all.
  expect(kinds([state(2, 5, ["Bob"])])).toEqual([]);
  // The node table not registered when the write began.
  const unregistered = { ...state(2, 5, []), pins: [] };
  expect(kinds([unregistered, state(3, 15, ["Alice"])])).toEqual([]);
});

test("missing-endpoints-have-a-cause: what the harness cannot know is not judged, and an unreadable state fails closed", () => {
  // A request that also deletes a node may remove its own endpoint: its edges are not recorded.
  const withDelete = mutationEffect([
    { kind: "deleteNode", type: "Person", where: [{ column: "age", equals: 3 }] },
    { kind: "insertEdge", type: "WorksAt", from: "Alice", to: "Acme" },
  ]);
  expect(withDelete.edges).toBeUndefined();
  expect(kinds([state(2, 5, ["Alice"])], { ...failed, effect: withDelete })).toEqual([]);
  // An overwrite load replaces the node tables it loads.
  expect(loadEffect({ mode: "Overwrite", edges: { WorksAt: [{ from: "Alice", to: "Acme" }] } }).edges).toBeUndefined();
  // The state standing when it began is not shown (a crash state's future), or the branch is not live.
  expect(kinds([state(3, 15, ["Alice"])])).toEqual([]);
  expect(kinds([state(2, 5, ["Alice"])], { ...failed, effect: { ...insertEdge, branch: "b0" } })).toEqual([]);
  // A scenario's own demand is the op-policy's to judge; another error is not this oracle's.
  expect(kinds([state(2, 5, ["Alice"])], { ...failed, expect: { mustFail: { kind: "MissingEndpoint", violation: "unexpected-error", why: "planted" } } })).toEqual([]);
  expect(kinds([state(2, 5, ["Alice"])], { ...failed, errorKind: "CardinalityViolation" })).toEqual([]);
  // A state that pins Person at a version whose rows cannot be read: unknown, never a pass.
  const unreadable = { ...state(2, 5, ["Alice"]), tables: new Map<TableKey, readonly Row[]>([[COMPANY, [{ id: "Acme" }]]]) };
  expect(() => kinds([unreadable])).toThrow(/cannot be read/);
});
