// The random workload's operations: every choice (which operation, on what, with which
// values) is drawn from the tape, so a shrunk tape is a shorter, simpler workload. Names and
// tags are unique per operation, so the oracles can follow every row.
import type { MutationOp } from "../../engine/write/ops.ts";
import type { World } from "../../sim/world.ts";
import type { Client } from "./client.ts";
import { WORKLOAD_SCHEMA } from "./schemas.ts";

/** Seeded rows every actor may refer to. */
export const SEED_PEOPLE = ["P0", "P1", "P2", "P3"];
export const SEED_COMPANIES = ["C0", "C1"];

/** WORKLOAD_SCHEMA with an optional `nickname`, and without: the schema applies toggle them. */
const WITH_NICKNAME = WORKLOAD_SCHEMA.replace("age: I32? }", "age: I32?  nickname: String? }");

interface Pools {
  readonly people: string[];
  readonly companies: string[];
}

type OpKindName =
  | "insert person"
  | "insert company"
  | "insert works-at"
  | "insert knows"
  | "update person"
  | "delete person"
  | "delete edge"
  | "load"
  | "optimize"
  | "ensure indices"
  | "refresh"
  | "read"
  | "schema apply";

/** Operation kinds, weighted by repetition: writes dominate, maintenance is rarer. */
const MIX: readonly OpKindName[] = [
  ...Array<OpKindName>(4).fill("insert person"),
  "insert company",
  ...Array<OpKindName>(3).fill("insert works-at"),
  ...Array<OpKindName>(2).fill("insert knows"),
  ...Array<OpKindName>(2).fill("update person"),
  "delete person",
  "delete edge",
  ...Array<OpKindName>(2).fill("load"),
  "optimize",
  "ensure indices",
  "refresh",
  "read",
  "schema apply",
];

function pickFrom<T>(world: World, label: string, items: readonly T[]): T {
  return items[world.choose(label, items.length)]!;
}

/** Runs `count` operations on `client`, each drawn from the tape. */
export async function runWorkload(world: World, client: Client, actor: string, count: number): Promise<void> {
  const pools: Pools = { people: [...SEED_PEOPLE], companies: [...SEED_COMPANIES] };
  const edgeTags: string[] = [];
  world.plannedOperations += count;
  for (let i = 0; i < count; i++) {
    const id = `${actor}-${i}`;
    const kind = pickFrom(world, `${actor} op ${i}`, MIX);
    const person = () => pickFrom(world, `${id} person`, pools.people);
    const company = () => pickFrom(world, `${id} company`, pools.companies);
    switch (kind) {
      case "insert person":
        pools.people.push(`p-${id}`);
        await client.mutate(`insert person p-${id}`, [{ kind: "insertNode", type: "Person", props: { name: `p-${id}`, age: i } }]);
        break;
      case "insert company":
        pools.companies.push(`c-${id}`);
        await client.mutate(`insert company c-${id}`, [{ kind: "insertNode", type: "Company", props: { name: `c-${id}` } }]);
        break;
      case "insert works-at": {
        const [from, to] = [person(), company()];
        edgeTags.push(`w-${id}`);
        await client.mutate(`${from} works at ${to} (w-${id})`, [edge("WorksAt", from, to, `w-${id}`)]);
        break;
      }
      case "insert knows": {
        const [from, to] = [person(), person()];
        edgeTags.push(`k-${id}`);
        await client.mutate(`${from} knows ${to} (k-${id})`, [edge("Knows", from, to, `k-${id}`)]);
        break;
      }
      case "update person": {
        const who = person();
        await client.mutate(`update ${who} age = ${1000 + i}`, [{ kind: "updateNode", type: "Person", where: [{ column: "id", equals: who }], set: { age: 1000 + i } }]);
        break;
      }
      case "delete person": {
        const who = person();
        await client.mutate(`delete ${who}`, [{ kind: "deleteNode", type: "Person", where: [{ column: "id", equals: who }] }]);
        break;
      }
      case "delete edge": {
        if (edgeTags.length === 0) break;
        const tag = pickFrom(world, `${id} edge`, edgeTags);
        const type = tag.startsWith("w-") ? "WorksAt" : "Knows";
        await client.mutate(`delete edge ${tag}`, [{ kind: "deleteEdge", type, where: [{ column: "tag", equals: tag }] }]);
        break;
      }
      case "load": {
        const [from, to] = [person(), company()];
        pools.people.push(`l-${id}`);
        await client.load(`load l-${id} and ${from} works at ${to}`, {
          mode: world.chance(`${id} load merges`) ? "Merge" : "Append",
          nodes: { Person: [{ name: `l-${id}`, age: i }] },
          edges: { WorksAt: [{ from, to, props: { tag: `lw-${id}` } }] },
        });
        break;
      }
      case "optimize":
        await client.optimize();
        break;
      case "ensure indices":
        await client.ensureIndices();
        break;
      case "refresh":
        await client.refresh();
        break;
      case "read":
        await client.read("Person");
        break;
      case "schema apply":
        await client.applySchema(`schema apply ${id}`, world.chance(`${id} adds nickname`) ? WITH_NICKNAME : WORKLOAD_SCHEMA);
        break;
    }
  }
}

function edge(type: "WorksAt" | "Knows", from: string, to: string, tag: string): MutationOp {
  return { kind: "insertEdge", type, from, to, props: { tag } };
}
