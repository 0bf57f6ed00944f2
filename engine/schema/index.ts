// The schema module's public surface: the `.pg` language, the catalog, the IR and the
// schema-contract files, and the schema-apply planner. Pure code: no storage calls.

export * from "./errors.ts";
export * from "./property-types.ts";
export type * from "./ast.ts";
export { parseSchemaSource } from "./parser.ts";
export * from "./catalog.ts";
export { buildCatalog, compileSchema } from "./catalog-builder.ts";
export { formatSchema } from "./format.ts";
export * from "./indices.ts";
export * from "./row-validation.ts";
export * from "./ir.ts";
export * from "./contract.ts";
export * from "./steps.ts";
export { planSchemaApply, type SchemaApplyOptions } from "./plan.ts";
export * from "./buckets.ts";
export * from "./project.ts";
