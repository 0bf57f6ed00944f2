// Upstream's test fixtures and helpers (`tests/helpers/mod.rs`, `tests/fixtures/test.*`) as the
// model expresses them: the query language is abstracted into typed mutations and table reads,
// so `get_person` reads the Person table and `friends_of` the Knows edges of one source.
import type { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { GRAPH_COMMIT_ACTORS, GRAPH_COMMITS } from "../../engine/manifest/layout.ts";
import type { LoadMode, LoadSpec } from "../../engine/write/load.ts";
import type { MutationOp } from "../../engine/write/ops.ts";
import type { Row, TableKey } from "../../engine/storage/types.ts";
import type { World } from "../../sim/world.ts";
import { TEST_DATA } from "./scripts.ts";
import { published, startProcess, type Proc } from "./support.ts";

/** `tests/fixtures/test.pg`. */
export const TEST_SCHEMA = `
node Person {
    name: String @key
    age: I32?
}

node Company {
    name: String @key
}

edge Knows: Person -> Person {
    since: Date?
}

edge WorksAt: Person -> Company
`;

/** `init_and_load`: `TEST_SCHEMA` with `test.jsonl` loaded in Overwrite mode. */
export async function initAndLoadTest(w: World, proc: Proc = startProcess(w, "init"), schema = TEST_SCHEMA): Promise<Omnigraph> {
  const g = await proc.init(schema);
  await g.load({ ...TEST_DATA, mode: "Overwrite" });
  return g;
}

/** `load_jsonl(db, data, mode)` with the rows already parsed. */
export function jsonl(mode: LoadMode, spec: Omit<LoadSpec, "mode">): LoadSpec {
  return { mode, ...spec };
}

/** `count_rows(db, table_key)`: rows of the table at the published version. */
export async function countRows(w: World, tableKey: TableKey): Promise<number> {
  return (await published(w, tableKey)).length;
}

/** `version_main`: the manifest version of main. */
export async function versionMain(w: World): Promise<number> {
  return w.storage.manifest.latestVersion(null);
}

/** `branch_list()`: main and every public manifest branch. */
export async function branchList(w: World): Promise<string[]> {
  return ["main", ...(await w.storage.manifest.listBranches())];
}

/** `get_person($name)`: the Person rows named `name`, read through the handle. */
export async function getPerson(g: Omnigraph, name: string): Promise<Row[]> {
  return (await g.read("node", "Person")).filter((r) => r.id === name);
}

/** `friends_of($name)`: the targets of `name`'s Knows edges. */
export async function friendsOf(g: Omnigraph, name: string): Promise<string[]> {
  return (await g.read("edge", "Knows")).filter((r) => r.src === name).map((r) => String(r.dst)).sort();
}

/** The age column of one person (null when absent), read through the handle. */
export async function ageOf(g: Omnigraph, name: string): Promise<number | null> {
  const rows = await getPerson(g, name);
  return rows.length === 0 ? null : ((rows[0]!.age ?? null) as number | null);
}

/** `MUTATION_QUERIES`' `insert_person`. */
export function insertPerson(name: string, age?: number): MutationOp {
  return { kind: "insertNode", type: "Person", props: age === undefined ? { name } : { name, age } };
}

/** `set_age`: `update Person set { age } where name = $name`. */
export function setAge(name: string, age: number): MutationOp {
  return { kind: "updateNode", type: "Person", where: [{ column: "name", equals: name }], set: { age } };
}

/** `remove_person`: `delete Person where name = $name`. */
export function removePerson(name: string): MutationOp {
  return { kind: "deleteNode", type: "Person", where: [{ column: "name", equals: name }] };
}

/** `add_friend`: `insert Knows { from, to }`. */
export function addFriend(from: string, to: string): MutationOp {
  return { kind: "insertEdge", type: "Knows", from, to };
}

/** `remove_friendship`: `delete Knows where from = $from`. */
export function removeFriendship(from: string): MutationOp {
  return { kind: "deleteEdge", type: "Knows", where: [{ column: "src", equals: from }] };
}

/** Every row of `dataset` at its HEAD. */
async function rowsOf(w: World, dataset: typeof GRAPH_COMMITS): Promise<readonly Row[]> {
  const at = await w.storage.datasets.latestVersion(dataset, null);
  return (await w.storage.datasets.checkout(dataset, null, at)).rows;
}

/** Each commit's actor, from `_graph_commit_actors` (upstream's `actor_by_commit_id`). */
export async function commitActors(w: World): Promise<Map<string, string>> {
  return new Map((await rowsOf(w, GRAPH_COMMIT_ACTORS)).map((r) => [String(r.graph_commit_id), String(r.actor_id)]));
}

/** The head row of `_graph_commits` (the last appended), with its actor joined in as `actor`. */
export async function headCommit(w: World): Promise<Row | undefined> {
  const head = [...(await rowsOf(w, GRAPH_COMMITS))].sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1)).at(-1);
  return head && { ...head, actor: (await commitActors(w)).get(head.id) ?? null };
}
