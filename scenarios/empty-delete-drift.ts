// B11 (#308): at the seed an inline delete always commits a Lance version (Lance's
// `Dataset::delete` emits an `Operation::Delete` even when nothing matches), while a node
// delete's cascade records an edge table only when edges went. Deleting a person with no edge
// of some type moves that edge table's HEAD past its pin with no sidecar: the next write to the
// table fails (a non-strict one with "run omnigraph repair", a strict one with a version
// mismatch), and no recovery can cover the drift. Fixed upstream by #308 (`0dcdcf5a`).
import type { MutationOp } from "../engine/write/ops.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { company, openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

/** Edges without @card (no B2' to meet) and with tags the oracles can follow. */
const SCHEMA = `
node Person { name: String @key  age: I32? }
node Company { name: String @key }
edge WorksAt: Person -> Company { tag: String }
edge Knows: Person -> Person { tag: String }
`;

/** The writer adds edges among these; they are never deleted (no endpoint race: that is B2'). */
const KEPT = ["Alice", "Bob"];
/** The deleter deletes among these; the seed decides which edges they have. */
const DELETABLE = ["Carol", "Dan"];
const PEOPLE = [...KEPT, ...DELETABLE];

const knows = (from: string, to: string, tag: string): MutationOp => ({ kind: "insertEdge", type: "Knows", from, to, props: { tag } });
const worksAt = (from: string, to: string, tag: string): MutationOp => ({ kind: "insertEdge", type: "WorksAt", from, to, props: { tag } });
const deletePerson = (name: string): MutationOp => ({ kind: "deleteNode", type: "Person", where: [{ column: "id", equals: name }] });

export const emptyDeleteDrift: Scenario = {
  name: "empty-delete-drift",
  summary: "a node delete's zero-row cascade commits an unrecorded edge-table version (#308)",
  claim: {
    kind: "bug",
    bug: "B11",
    redProfile: "seed",
    // The unrecorded version survives every recovery (no sidecar covers it); a later non-strict
    // write to the edge table is refused by the drift guard.
    symptoms: [{ kind: "drift-after-recovery" }, { kind: "wedged-write", errorKind: "DriftAhead" }],
    closedBy: ["fix308"],
    masks: [{ flags: ["stagedDeletes"], why: "a staged delete is committed at commit time only for tables with staged rows, so a zero-row cascade commits nothing" }],
  },
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    // Carol has no edge at all: deleting her cascades a zero-row delete into both edge tables.
    await setupGraph(ctx, SCHEMA, [[...PEOPLE.map((p) => person(p)), company("Acme")], [worksAt("Alice", "Acme", "w0"), knows("Alice", "Bob", "k0")]]);
    const g = await openIn(ctx, "app");
    await g.mutate("delete Carol (no edges)", [deletePerson("Carol")]);
    await g.mutate("Bob works at Acme", [worksAt("Bob", "Acme", "w1")]);
  },
  async searched(ctx) {
    // The bug needs no race: one writer deleting a person who lacks an edge of some type is
    // enough. So the seed decides the data (which edges the deletable people have) and the
    // writer's operations (deletes, edge inserts, strict updates, in any order), while a reader
    // in another process reads concurrently. A second concurrent writer would meet other seed
    // bugs (B2', B5, and B8's uncovered inline deletes), which #308 does not fix.
    const { world } = ctx;
    const edges: MutationOp[] = [];
    for (const [i, p] of DELETABLE.entries()) {
      if (world.chance(`${p} works at Acme`)) edges.push(worksAt(p, "Acme", `w-seed-${i}`));
      if (world.chance(`${p} knows someone`)) edges.push(knows(p, PEOPLE[world.choose(`whom ${p} knows`, PEOPLE.length)]!, `k-seed-${i}`));
    }
    await setupGraph(ctx, SCHEMA, [[...PEOPLE.map((p) => person(p)), company("Acme")], ...(edges.length > 0 ? [edges] : [])]);
    const app = await openIn(ctx, "app");
    const reader = await openIn(ctx, "reader");
    const operations = 1 + world.choose("how many operations", 5);
    const reads = 1 + world.choose("how many reads", 3);
    const remaining = [...DELETABLE];
    await world.join(
      app.spawn("writer", async (c) => {
        for (let i = 0; i < operations; i++) {
          const kept = () => KEPT[world.choose(`op ${i} person`, KEPT.length)]!;
          switch (world.choose(`op ${i} kind`, 4)) {
            case 0: {
              if (remaining.length === 0) break;
              const [who] = remaining.splice(world.choose(`op ${i} victim`, remaining.length), 1);
              await c.mutate(`delete ${who}`, [deletePerson(who!)]);
              break;
            }
            case 1: {
              const [from, to] = [kept(), kept()];
              await c.mutate(`${from} knows ${to} (k-${i})`, [knows(from, to, `k-${i}`)]);
              break;
            }
            case 2: {
              const from = kept();
              await c.mutate(`${from} works at Acme (w-${i})`, [worksAt(from, "Acme", `w-${i}`)]);
              break;
            }
            case 3: {
              const who = kept();
              await c.mutate(`update ${who} age = ${i}`, [{ kind: "updateNode", type: "Person", where: [{ column: "id", equals: who }], set: { age: i } }]);
              break;
            }
          }
        }
      }),
      reader.spawn("reader", async (c) => {
        for (let i = 0; i < reads; i++) await c.read("Person");
      }),
    );
  },
};
