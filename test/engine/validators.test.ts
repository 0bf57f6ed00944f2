// Upstream tests/validators.rs: enum, @unique and @card validation on both write paths (the
// JSONL loader and mutations). `@range` is not in the model's schema language.
import { expect, test } from "vitest";
import type { Omnigraph } from "../../engine/graph/omnigraph.ts";
import type { World } from "../../sim/world.ts";
import { inWorld } from "./helpers.ts";
import { rejects, startProcess } from "./support.ts";
import { countRows, jsonl } from "./upstream.ts";
import type { LoadSpec } from "../../engine/write/load.ts";

const ENUM_SCHEMA = `
node Person {
    name: String @key
    role: enum(admin, guest, member)
}
`;
const ENUM_VALID_SEED = jsonl("Overwrite", { nodes: { Person: [{ name: "Alice", role: "admin" }] } });

const UNIQUE_SCHEMA = `
node User {
    name: String @key
    email: String?
    @unique(email)
}
`;

const CARDINALITY_SCHEMA = `
node Person { name: String @key }
node Company { name: String @key }
edge WorksAt: Person -> Company @card(0..1)
`;
const CARDINALITY_SEED = jsonl("Overwrite", { nodes: { Person: [{ name: "Alice" }], Company: [{ name: "Acme" }, { name: "Beta" }] } });

/** `init_with(schema, data)`: a fresh graph, with `data` loaded in Overwrite mode when given. */
async function initWith(w: World, schema: string, data?: LoadSpec): Promise<Omnigraph> {
  const g = await startProcess(w, "init").init(schema);
  if (data) await g.load(data);
  return g;
}

// Mirrors validators.rs::enum_rejected_on_jsonl_load.
test("a load with a value outside the enum is rejected", async () => {
  await inWorld(async (w) => {
    const g = await initWith(w, ENUM_SCHEMA);
    const e = await rejects(g.load(jsonl("Overwrite", { nodes: { Person: [{ name: "Alice", role: "superadmin" }] } })), "InvalidRow");
    expect(e.message).toContain("superadmin");
    expect(await countRows(w, "node:Person")).toBe(0);
  });
});

// Mirrors validators.rs::enum_rejected_on_mutation_insert.
test("an insert with a value outside the enum is rejected", async () => {
  await inWorld(async (w) => {
    const g = await initWith(w, ENUM_SCHEMA, ENUM_VALID_SEED);
    const e = await rejects(g.mutate([{ kind: "insertNode", type: "Person", props: { name: "Bob", role: "superadmin" } }]), "InvalidRow");
    expect(e.message).toContain("superadmin");
  });
});

// Mirrors validators.rs::enum_rejected_on_mutation_update.
test("an update to a value outside the enum is rejected", async () => {
  await inWorld(async (w) => {
    const g = await initWith(w, ENUM_SCHEMA, ENUM_VALID_SEED);
    const e = await rejects(g.mutate([{ kind: "updateNode", type: "Person", where: [{ column: "name", equals: "Alice" }], set: { role: "superadmin" } }]), "InvalidRow");
    expect(e.message).toContain("superadmin");
  });
});

// Mirrors validators.rs::intra_batch_unique_rejected_on_jsonl_load.
test("a load repeating a @unique email within the batch is rejected", async () => {
  await inWorld(async (w) => {
    const g = await initWith(w, UNIQUE_SCHEMA);
    const e = await rejects(
      g.load(jsonl("Overwrite", { nodes: { User: [{ name: "Alice", email: "dup@example.com" }, { name: "Bob", email: "dup@example.com" }] } })),
      "InvalidRow",
    );
    expect(e.message).toContain("@unique violation on User.email");
  });
});

// Mirrors validators.rs::cardinality_rejected_on_mutation_insert_edge.
test("a second WorksAt for Alice under @card(0..1) is rejected", async () => {
  await inWorld(async (w) => {
    const g = await initWith(w, CARDINALITY_SCHEMA, CARDINALITY_SEED);
    await g.mutate([{ kind: "insertEdge", type: "WorksAt", from: "Alice", to: "Acme" }]);
    await rejects(g.mutate([{ kind: "insertEdge", type: "WorksAt", from: "Alice", to: "Beta" }]), "CardinalityViolation", {
      edge: "WorksAt",
      source: "Alice",
      count: 2,
      min: 0,
      max: 1,
    });
  });
});

// Mirrors validators.rs::cardinality_rejected_on_jsonl_load.
test("an Append load giving Alice two WorksAt edges under @card(0..1) is rejected", async () => {
  await inWorld(async (w) => {
    const g = await initWith(w, CARDINALITY_SCHEMA, CARDINALITY_SEED);
    await rejects(g.load(jsonl("Append", { edges: { WorksAt: [{ from: "Alice", to: "Acme" }, { from: "Alice", to: "Beta" }] } })), "CardinalityViolation");
    expect(await countRows(w, "edge:WorksAt")).toBe(0);
  });
});
