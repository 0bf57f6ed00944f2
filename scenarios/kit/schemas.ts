// The schemas scenarios run on.

/** Upstream's CARDINALITY_SCHEMA (validators.rs), plus a many-to-many edge. */
export const CARD_SCHEMA = `
node Person { name: String @key  age: I32? }
node Company { name: String @key }
edge WorksAt: Person -> Company @card(0..1)
edge Knows: Person -> Person
`;

/** The server test's schema: a @key String (so an FTS index) and a droppable property. */
export const SERVER_SCHEMA = `
node Person { name: String @key  age: I32? }
node Company { name: String @key }
edge WorksAt: Person -> Company @card(0..1)
`;

/**
 * Schema changes the schema-read races choose among (on CARD_SCHEMA): each renames three staging
 * files over the contract, so a validation in between can read two contracts at once.
 */
export const RENAMING_CHANGES: readonly (readonly [string, string])[] = [
  ["add Person.email", CARD_SCHEMA.replace("age: I32? }", "age: I32?  email: String? }")],
  ["add a Team node type", `${CARD_SCHEMA}\nnode Team { name: String @key }\n`],
];

/** SERVER_SCHEMA after `age` is dropped. */
export const SERVER_SCHEMA_WITHOUT_AGE = `
node Person { name: String @key }
node Company { name: String @key }
edge WorksAt: Person -> Company @card(0..1)
`;

/**
 * The random workload's schema: edges carry a unique tag so the harness can name them. `Note` is
 * a node type without a `@key` (upstream's test schemas are mostly keyless): its rows get
 * generated ids and are inserted, not merged, so the harness names them by their tag too; its
 * only index is `btree:id`, so an optimize can commit a single version on it (an index build
 * without compaction), where every keyed table needs two or more.
 */
export const WORKLOAD_SCHEMA = `
node Person { name: String @key  age: I32? }
node Company { name: String @key }
node Note { tag: String }
edge WorksAt: Person -> Company @card(0..1) { tag: String }
edge Knows: Person -> Person { tag: String }
`;

/**
 * One node type and one edge type on it: a node delete's cascade reaches only the edge table an
 * edge insert on that node writes (edge-insert-vs-endpoint-delete), so at the seed the cascade's
 * zero-row inline delete (B11) lands on the table the insert then publishes, not on a table of
 * its own that drifts.
 */
export const KNOWS_SCHEMA = `
node Person { name: String @key }
edge Knows: Person -> Person
`;
