// Upstream tests/merge_truth_table.rs: every (left, right) pair of the graph-operation vocabulary
// applied on a branch (left) and on main (right), then the branch merged into main; the outcome
// (AlreadyUpToDate, FastForward, Merged or the conflicts) and main's resulting state. The three
// operations no mutation grammar has (dropProperty, addLabel, removeLabel) are cells of the
// matrix that are not run, as upstream's are.
import { expect, test } from "vitest";
import { isOmniError, type MergeConflictKind } from "../../engine/errors.ts";
import type { Omnigraph } from "../../engine/graph/omnigraph.ts";
import type { MutationOp } from "../../engine/write/ops.ts";
import { inWorld } from "./helpers.ts";
import { countRows } from "./upstream.ts";
import { startProcess } from "./support.ts";

const TRUTH_SCHEMA = `
node Person {
    name: String @key
    age: I32?
}

edge Knows: Person -> Person
`;

const OPS = ["noop", "addNode", "removeNode", "addEdge", "removeEdge", "setProperty", "dropProperty", "addLabel", "removeLabel"] as const;
type Op = (typeof OPS)[number];

/** What one side does (`Apply`). */
type Apply = { kind: "skip" } | { kind: "insertEve"; age: number } | { kind: "deleteAlice" } | { kind: "insertAliceCarol" } | { kind: "deleteKnowsFromBob" } | { kind: "setAliceAge"; age: number };

interface GraphAssert {
  readonly persons: number;
  readonly knows: number;
  readonly aliceAge: number | null;
  readonly eve: boolean;
}

const BASE: GraphAssert = { persons: 4, knows: 1, aliceAge: 30, eve: false };
const withEve = (g: GraphAssert): GraphAssert => ({ ...g, eve: true, persons: g.persons + 1 });
const withoutAlice = (g: GraphAssert): GraphAssert => ({ ...g, aliceAge: null, persons: g.persons - 1 });
const withAliceAge = (g: GraphAssert, age: number): GraphAssert => ({ ...g, aliceAge: age });
const withExtraEdge = (g: GraphAssert): GraphAssert => ({ ...g, knows: g.knows + 1 });
const withoutBobCarol = (g: GraphAssert): GraphAssert => ({ ...g, knows: g.knows - 1 });

type Expected =
  | { kind: "AlreadyUpToDate" }
  | { kind: "FastForward" | "Merged"; state: GraphAssert }
  | { kind: "Conflicts"; want: { table: string; kind: MergeConflictKind; row: string | null }[] }
  | { kind: "Unsupported" };

interface Case {
  readonly left: Apply;
  readonly right: Apply;
  readonly expected: Expected;
}

const skip: Apply = { kind: "skip" };
const eve = (age: number): Apply => ({ kind: "insertEve", age });
const delAlice: Apply = { kind: "deleteAlice" };
const aliceCarol: Apply = { kind: "insertAliceCarol" };
const delBobKnows: Apply = { kind: "deleteKnowsFromBob" };
const aliceAge = (age: number): Apply => ({ kind: "setAliceAge", age });
const upToDate: Expected = { kind: "AlreadyUpToDate" };
const ff = (state: GraphAssert): Expected => ({ kind: "FastForward", state });
const merged = (state: GraphAssert): Expected => ({ kind: "Merged", state });
const conflict = (kind: MergeConflictKind, table: string, row: string | null): Expected => ({ kind: "Conflicts", want: [{ table, kind, row }] });

/** `build_case`: the cell of one (left, right) pair. */
function buildCase(left: Op, right: Op): Case {
  const mk = (l: Apply, r: Apply, expected: Expected): Case => ({ left: l, right: r, expected });
  const unsupported = ["dropProperty", "addLabel", "removeLabel"];
  if (unsupported.includes(left) || unsupported.includes(right)) return mk(skip, skip, { kind: "Unsupported" });
  const table: Record<string, Case> = {
    "noop×noop": mk(skip, skip, upToDate),
    "noop×addNode": mk(skip, eve(22), upToDate),
    "noop×removeNode": mk(skip, delAlice, upToDate),
    "noop×addEdge": mk(skip, aliceCarol, upToDate),
    "noop×removeEdge": mk(skip, delBobKnows, upToDate),
    "noop×setProperty": mk(skip, aliceAge(31), upToDate),
    "addNode×noop": mk(eve(22), skip, ff(withEve(BASE))),
    "addNode×addNode": mk(eve(21), eve(22), conflict("DivergentInsert", "node:Person", "Eve")),
    "addNode×removeNode": mk(eve(22), delAlice, merged(withoutAlice(withEve(BASE)))),
    "addNode×addEdge": mk(eve(22), aliceCarol, merged(withExtraEdge(withEve(BASE)))),
    "addNode×removeEdge": mk(eve(22), delBobKnows, merged(withoutBobCarol(withEve(BASE)))),
    "addNode×setProperty": mk(eve(22), aliceAge(31), merged(withAliceAge(withEve(BASE), 31))),
    "removeNode×noop": mk(delAlice, skip, ff(withoutAlice(BASE))),
    "removeNode×addNode": mk(delAlice, eve(22), merged(withEve(withoutAlice(BASE)))),
    "removeNode×removeNode": mk(delAlice, delAlice, merged(withoutAlice(BASE))),
    "removeNode×addEdge": mk(delAlice, aliceCarol, conflict("OrphanEdge", "edge:Knows", null)),
    "removeNode×removeEdge": mk(delAlice, delBobKnows, merged(withoutBobCarol(withoutAlice(BASE)))),
    "removeNode×setProperty": mk(delAlice, aliceAge(31), conflict("DeleteVsUpdate", "node:Person", "Alice")),
    "addEdge×noop": mk(aliceCarol, skip, ff(withExtraEdge(BASE))),
    "addEdge×addNode": mk(aliceCarol, eve(22), merged(withEve(withExtraEdge(BASE)))),
    "addEdge×removeNode": mk(aliceCarol, delAlice, conflict("OrphanEdge", "edge:Knows", null)),
    "addEdge×addEdge": mk(aliceCarol, aliceCarol, merged({ persons: 4, knows: 3, aliceAge: 30, eve: false })),
    "addEdge×removeEdge": mk(aliceCarol, delBobKnows, merged(BASE)),
    "addEdge×setProperty": mk(aliceCarol, aliceAge(31), merged(withAliceAge(withExtraEdge(BASE), 31))),
    "removeEdge×noop": mk(delBobKnows, skip, ff(withoutBobCarol(BASE))),
    "removeEdge×addNode": mk(delBobKnows, eve(22), merged(withEve(withoutBobCarol(BASE)))),
    "removeEdge×removeNode": mk(delBobKnows, delAlice, merged(withoutAlice(withoutBobCarol(BASE)))),
    "removeEdge×addEdge": mk(delBobKnows, aliceCarol, merged(BASE)),
    "removeEdge×removeEdge": mk(delBobKnows, delBobKnows, merged(withoutBobCarol(BASE))),
    "removeEdge×setProperty": mk(delBobKnows, aliceAge(31), merged(withAliceAge(withoutBobCarol(BASE), 31))),
    "setProperty×noop": mk(aliceAge(31), skip, ff(withAliceAge(BASE, 31))),
    "setProperty×addNode": mk(aliceAge(31), eve(22), merged(withEve(withAliceAge(BASE, 31)))),
    "setProperty×removeNode": mk(aliceAge(31), delAlice, conflict("DeleteVsUpdate", "node:Person", "Alice")),
    "setProperty×addEdge": mk(aliceAge(31), aliceCarol, merged(withExtraEdge(withAliceAge(BASE, 31)))),
    "setProperty×removeEdge": mk(aliceAge(31), delBobKnows, merged(withoutBobCarol(withAliceAge(BASE, 31)))),
    "setProperty×setProperty": mk(aliceAge(31), aliceAge(32), conflict("DivergentUpdate", "node:Person", "Alice")),
  };
  return table[`${left}×${right}`]!;
}

function opsOf(a: Apply): MutationOp[] {
  switch (a.kind) {
    case "skip":
      return [];
    case "insertEve":
      return [{ kind: "insertNode", type: "Person", props: { name: "Eve", age: a.age } }];
    case "deleteAlice":
      return [{ kind: "deleteNode", type: "Person", where: [{ column: "name", equals: "Alice" }] }];
    case "insertAliceCarol":
      return [{ kind: "insertEdge", type: "Knows", from: "Alice", to: "Carol" }];
    case "deleteKnowsFromBob":
      return [{ kind: "deleteEdge", type: "Knows", where: [{ column: "src", equals: "Bob" }] }];
    case "setAliceAge":
      return [{ kind: "updateNode", type: "Person", where: [{ column: "name", equals: "Alice" }], set: { age: a.age } }];
  }
}

function stateAfterApplyOnly(a: Apply): GraphAssert {
  switch (a.kind) {
    case "skip":
      return BASE;
    case "insertEve":
      return withEve(BASE);
    case "deleteAlice":
      return withoutAlice(BASE);
    case "insertAliceCarol":
      return withExtraEdge(BASE);
    case "deleteKnowsFromBob":
      return withoutBobCarol(BASE);
    case "setAliceAge":
      return withAliceAge(BASE, a.age);
  }
}

async function assertState(w: Parameters<Parameters<typeof inWorld>[0]>[0], db: Omnigraph, want: GraphAssert, label: string): Promise<void> {
  expect(await countRows(w, "node:Person"), `[${label}] node:Person count`).toBe(want.persons);
  expect(await countRows(w, "edge:Knows"), `[${label}] edge:Knows count`).toBe(want.knows);
  const people = await db.read("node", "Person");
  const alice = people.find((r) => r.id === "Alice");
  expect(alice === undefined ? null : alice.age, `[${label}] Alice.age`).toBe(want.aliceAge);
  expect(people.some((r) => r.id === "Eve"), `[${label}] Eve presence`).toBe(want.eve);
}

/** `run_direction`: a fresh graph, left on `feature`, right on main, then the merge. */
async function runCell(label: string, c: Case): Promise<void> {
  await inWorld(async (w) => {
    const db = await startProcess(w, "init").init(TRUTH_SCHEMA);
    await db.load({
      mode: "Overwrite",
      nodes: { Person: [{ name: "Alice", age: 30 }, { name: "Bob", age: 25 }, { name: "Carol", age: 40 }, { name: "Dan", age: 50 }] },
      edges: { Knows: [{ from: "Bob", to: "Carol" }] },
    });
    await db.branchCreate("feature");
    if (c.left.kind !== "skip") await db.mutate(opsOf(c.left), null, { branch: "feature" });
    if (c.right.kind !== "skip") await db.mutate(opsOf(c.right), null, { branch: "main" });
    const outcome = await db.branchMerge("feature", "main").then(
      (o) => ({ kind: o as string, conflicts: [] as { table: string; kind: string; row: string | null }[] }),
      (e: unknown) => {
        if (!isOmniError(e, "MergeConflicts")) throw new Error(`[${label}] unexpected merge error: ${String(e)}`);
        return { kind: "Conflicts", conflicts: e.details.conflicts.map((x) => ({ table: x.tableKey as string, kind: x.kind as string, row: x.rowId })) };
      },
    );
    const e = c.expected;
    expect(outcome.kind, `[${label}] outcome`).toBe(e.kind);
    if (e.kind === "FastForward" || e.kind === "Merged") await assertState(w, db, e.state, label);
    if (e.kind === "Conflicts") {
      expect(outcome.conflicts, `[${label}] conflicts`).toHaveLength(e.want.length);
      for (const want of e.want) {
        expect(
          outcome.conflicts.some((g) => g.table === want.table && g.kind === want.kind && (want.row === null || g.row === want.row)),
          `[${label}] expected ${want.kind} on ${want.table} in ${JSON.stringify(outcome.conflicts)}`,
        ).toBe(true);
      }
      await assertState(w, db, stateAfterApplyOnly(c.right), label);
    }
  });
}

// Mirrors merge_truth_table.rs::merge_pair_truth_table.
test("every (left, right) pair of operations merges as the truth table says: 81 cells, 36 executable", async () => {
  let total = 0;
  let executable = 0;
  let unsupported = 0;
  for (const left of OPS) {
    for (const right of OPS) {
      total += 1;
      const c = buildCase(left, right);
      if (c.expected.kind === "Unsupported") {
        unsupported += 1;
        continue;
      }
      executable += 1;
      await runCell(`${left}×${right}`, c);
    }
  }
  expect(total).toBe(81);
  expect(executable).toBe(36);
  expect(unsupported).toBe(45);
});
