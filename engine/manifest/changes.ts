// What a publish asks of the manifest.
import type { Branch, DatasetPath, TableKey, Version } from "../storage/types.ts";

export type ManifestChange =
  /** Register a table at a dataset path (schema apply's added and renamed tables). */
  | { readonly kind: "register"; readonly tableKey: TableKey; readonly path: DatasetPath }
  /** Publish a table version. */
  | {
      readonly kind: "update";
      readonly tableKey: TableKey;
      readonly version: Version;
      readonly branch: Branch;
      readonly rowCount: number;
    }
  /** Hide a table from this version on (dropped and renamed-away types). */
  | { readonly kind: "tombstone"; readonly tableKey: TableKey; readonly version: Version };

/** The publisher's per-table expectation (`expected_table_versions`); null means none. */
export type ExpectedVersions = ReadonlyMap<TableKey, Version>;
