// Sorts a plan's steps into the table work schema apply does (engine-model section 5, step 4;
// upstream `apply_schema_with_lock`):
//   AddType                                  -> addedTables (created empty at v1)
//   RenameType                               -> renamedTables (rewritten at the new path,
//                                               old table tombstoned)
//   AddProperty, RenameProperty, DropProperty -> rewrittenTables (one overwrite commit each);
//                                               Hard drops also -> hardCleanupTargets
//   DropType                                 -> droppedTables (tombstoned); Hard -> cleanup
//   AddConstraint                            -> no table work
//   UnsupportedChange                        -> UnsupportedSchemaChangeError

import type { TableKey } from "../storage/types.ts";
import { tableKeyFor } from "./catalog.ts";
import { compareStrings } from "./canonical.ts";
import type { SchemaStep, UnsupportedChange } from "./steps.ts";

export interface SchemaApplyBuckets {
  /** Sorted. */
  readonly addedTables: readonly TableKey[];
  /** New table key to the table key it continues; iterates sorted by new key. */
  readonly renamedTables: ReadonlyMap<TableKey, TableKey>;
  /**
   * Existing tables rewritten in place, sorted. A renamed or added table is written whole at
   * its new path instead, so it is never listed here (upstream lists it and then skips it).
   */
  readonly rewrittenTables: readonly TableKey[];
  /** Sorted. */
  readonly droppedTables: readonly TableKey[];
  /**
   * Tables whose old versions a Hard drop cleans up after the publish, in step order, each
   * once. As upstream, a Hard property drop names the type's new key; for a renamed type that
   * key is not in the pre-apply snapshot, which upstream's apply reports as a missing table.
   */
  readonly hardCleanupTargets: readonly TableKey[];
  /** For each table written with renamed columns: new column name to old column name. */
  readonly propertyRenames: ReadonlyMap<TableKey, ReadonlyMap<string, string>>;
  /** Any edge table touched (upstream then invalidates its graph index). */
  readonly changedEdgeTables: boolean;
}

export class UnsupportedSchemaChangeError extends Error {
  override readonly name = "UnsupportedSchemaChangeError";
  constructor(readonly step: UnsupportedChange) {
    super(step.reason);
  }
}

function sortedKeys(keys: Iterable<TableKey>): TableKey[] {
  return [...keys].sort(compareStrings);
}

/** Throws `UnsupportedSchemaChangeError` at the first UnsupportedChange step. */
export function bucketSchemaSteps(steps: readonly SchemaStep[]): SchemaApplyBuckets {
  const added = new Set<TableKey>();
  const renamed = new Map<TableKey, TableKey>();
  const rewritten = new Set<TableKey>();
  const dropped = new Set<TableKey>();
  const hardCleanup = new Set<TableKey>();
  const propertyRenames = new Map<TableKey, Map<string, string>>();
  let changedEdgeTables = false;

  for (const step of steps) {
    if (step.kind === "UnsupportedChange") throw new UnsupportedSchemaChangeError(step);
    if (step.kind === "AddConstraint") continue;
    if (step.typeKind === "edge") changedEdgeTables = true;
    switch (step.kind) {
      case "AddType":
        added.add(tableKeyFor(step.typeKind, step.name));
        break;
      case "RenameType":
        renamed.set(tableKeyFor(step.typeKind, step.to), tableKeyFor(step.typeKind, step.from));
        break;
      case "AddProperty":
        rewritten.add(tableKeyFor(step.typeKind, step.typeName));
        break;
      case "RenameProperty": {
        const key = tableKeyFor(step.typeKind, step.typeName);
        rewritten.add(key);
        const renames = propertyRenames.get(key) ?? new Map<string, string>();
        propertyRenames.set(key, renames.set(step.to, step.from));
        break;
      }
      case "DropProperty": {
        const key = tableKeyFor(step.typeKind, step.typeName);
        rewritten.add(key);
        if (step.mode === "Hard") hardCleanup.add(key);
        break;
      }
      case "DropType": {
        const key = tableKeyFor(step.typeKind, step.name);
        dropped.add(key);
        if (step.mode === "Hard") hardCleanup.add(key);
        break;
      }
    }
  }

  return {
    addedTables: sortedKeys(added),
    renamedTables: new Map(sortedKeys(renamed.keys()).map((k) => [k, renamed.get(k)!])),
    rewrittenTables: sortedKeys([...rewritten].filter((k) => !added.has(k) && !renamed.has(k))),
    droppedTables: sortedKeys(dropped),
    hardCleanupTargets: [...hardCleanup],
    propertyRenames: new Map(sortedKeys(propertyRenames.keys()).map((k) => [k, propertyRenames.get(k)!])),
    changedEdgeTables,
  };
}
