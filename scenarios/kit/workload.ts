// The random workload's operations: every choice (which operation, on what, with which
// values) is drawn from the tape, so a shrunk tape is a shorter, simpler workload. Names and
// tags are unique per operation, so the oracles can follow every row. Graph branches come from
// a small pool of names, so actors create, write, merge and delete the same few branches.
import type { MutationOp } from "../../engine/write/ops.ts";
import type { World } from "../../sim/world.ts";
import type { Client } from "./client.ts";
import { WORKLOAD_SCHEMA } from "./schemas.ts";

/** Seeded rows every actor may refer to. */
export const SEED_PEOPLE = ["P0", "P1", "P2", "P3"];
export const SEED_COMPANIES = ["C0", "C1"];
export const SEED_NOTES = ["N0"];

/**
 * What the schema applies ask for (here and in `schema-apply-pauses`): WORKLOAD_SCHEMA with an
 * `@index` on `age`, with an optional `nickname` and without (the applies toggle it). Both carry
 * the index, so the first apply of a universe adds it (an AddConstraint, no table work: upstream leaves the build to the next
 * optimize or ensureIndices, iss-848) and no later apply removes it (removing a constraint is
 * unsupported). The `index-coverage` oracle then asks the applying handle's next optimize or
 * ensureIndices to build `btree:age`, which a handle that kept its old catalog would not.
 */
export const INDEXED = WORKLOAD_SCHEMA.replace("age: I32? }", "age: I32? @index }");
export const WITH_NICKNAME = WORKLOAD_SCHEMA.replace("age: I32? }", "age: I32? @index  nickname: String? }");

interface Pools {
  readonly people: string[];
  readonly companies: string[];
}

type OpKindName =
  | "insert person"
  | "insert company"
  | "insert works-at"
  | "insert knows"
  | "insert note"
  | "update person"
  | "delete person"
  | "delete edge"
  | "load"
  | "optimize"
  | "ensure indices"
  | "refresh"
  | "read"
  | "schema apply"
  | "branch create"
  | "branch delete"
  | "branch insert person"
  | "branch insert works-at"
  | "branch update person"
  | "branch delete person"
  | "branch merge"
  | "branch read";

/** The graph branches actors create, write, merge and delete (besides main). */
export const BRANCH_POOL = ["b0", "b1"];

/** A write on a branch may find it deleted (or not yet created) by another actor. */
const ON_BRANCH = { allow: ["BranchNotFound"] } as const;

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
  // Appended, so a tape of the mix before it means the same.
  "insert note",
];

/** The mix with graph branches: the same, then branch operations (appended, so a tape of the plain mix means the same). */
const BRANCH_MIX: readonly OpKindName[] = [
  ...MIX,
  ...Array<OpKindName>(2).fill("branch create"),
  "branch delete",
  ...Array<OpKindName>(2).fill("branch insert person"),
  "branch insert works-at",
  "branch update person",
  "branch delete person",
  ...Array<OpKindName>(2).fill("branch merge"),
  "branch read",
];

function pickFrom<T>(world: World, label: string, items: readonly T[]): T {
  return items[world.choose(label, items.length)]!;
}

/** Runs `count` operations on `client`, each drawn from the tape (branch operations too, if asked). */
export async function runWorkload(world: World, client: Client, actor: string, count: number, options: { branches?: boolean } = {}): Promise<void> {
  const mix = options.branches ? BRANCH_MIX : MIX;
  const pools: Pools = { people: [...SEED_PEOPLE], companies: [...SEED_COMPANIES] };
  const edgeTags: string[] = [];
  world.plannedOperations += count;
  for (let i = 0; i < count; i++) {
    const id = `${actor}-${i}`;
    const kind = pickFrom(world, `${actor} op ${i}`, mix);
    const person = () => pickFrom(world, `${id} person`, pools.people);
    const company = () => pickFrom(world, `${id} company`, pools.companies);
    const branch = () => pickFrom(world, `${id} branch`, BRANCH_POOL);
    const anyBranch = () => pickFrom(world, `${id} target`, ["main", ...BRANCH_POOL]);
    switch (kind) {
      case "insert person":
        pools.people.push(`p-${id}`);
        await client.mutate(`insert person p-${id}`, [{ kind: "insertNode", type: "Person", props: { name: `p-${id}`, age: i } }]);
        break;
      case "insert company":
        pools.companies.push(`c-${id}`);
        await client.mutate(`insert company c-${id}`, [{ kind: "insertNode", type: "Company", props: { name: `c-${id}` } }]);
        break;
      case "insert note":
        await client.mutate(`insert note n-${id}`, [note(`n-${id}`)]);
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
        await client.applySchema(`schema apply ${id}`, world.chance(`${id} adds nickname`) ? WITH_NICKNAME : INDEXED);
        break;
      case "branch create": {
        const [name, from] = [branch(), anyBranch()];
        await client.branchCreate(name, from);
        break;
      }
      case "branch delete":
        await client.branchDelete(branch());
        break;
      case "branch insert person":
        pools.people.push(`bp-${id}`);
        await client.mutateOn(branch(), `insert person bp-${id}`, [{ kind: "insertNode", type: "Person", props: { name: `bp-${id}`, age: i } }], ON_BRANCH);
        break;
      case "branch insert works-at": {
        const [on, from, to] = [branch(), person(), company()];
        edgeTags.push(`bw-${id}`);
        await client.mutateOn(on, `${from} works at ${to} (bw-${id})`, [edge("WorksAt", from, to, `bw-${id}`)], ON_BRANCH);
        break;
      }
      case "branch update person": {
        const [on, who] = [branch(), person()];
        await client.mutateOn(on, `update ${who} age = ${2000 + i}`, [{ kind: "updateNode", type: "Person", where: [{ column: "id", equals: who }], set: { age: 2000 + i } }], ON_BRANCH);
        break;
      }
      case "branch delete person": {
        const [on, who] = [branch(), person()];
        await client.mutateOn(on, `delete ${who}`, [{ kind: "deleteNode", type: "Person", where: [{ column: "id", equals: who }] }], ON_BRANCH);
        break;
      }
      case "branch merge": {
        const source = branch();
        const target = pickFrom(world, `${id} target`, ["main", ...BRANCH_POOL].filter((b) => b !== source));
        await client.branchMerge(source, target);
        break;
      }
      case "branch read":
        await client.readOn(branch(), "Person", ON_BRANCH);
        break;
    }
  }
}

/** A keyless `Note`, named by its tag (its id is generated). */
export function note(tag: string): MutationOp {
  return { kind: "insertNode", type: "Note", props: { tag } };
}

function edge(type: "WorksAt" | "Knows", from: string, to: string, tag: string): MutationOp {
  return { kind: "insertEdge", type, from, to, props: { tag } };
}
