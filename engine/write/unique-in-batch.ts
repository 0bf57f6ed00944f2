// The loader's `enforce_unique_constraints_intra_batch`: within one load batch, no two rows may
// share the tuple of a `@unique(...)` group or, for node types, of the `@key` (which implies
// uniqueness). A row with a null in the group is exempt (SQL null semantics). Rows already
// committed are not compared (upstream tracks cross-batch uniqueness separately).
import { OmniError } from "../errors.ts";
import type { TableType } from "../schema/catalog.ts";
import type { Row } from "../storage/types.ts";

/** The column groups the loader enforces for `type`, in upstream's order (@unique groups, then @key). */
export function loaderUniqueGroups(type: TableType): (readonly string[])[] {
  const groups: (readonly string[])[] = [...type.uniques];
  if (type.kind === "node" && type.key !== null && !groups.some((g) => g.length === 1 && g[0] === type.key)) groups.push([type.key]);
  return groups;
}

export function enforceUniqueInBatch(type: TableType, rows: readonly Row[]): void {
  for (const columns of loaderUniqueGroups(type)) {
    const seen = new Map<string, number>();
    rows.forEach((row, index) => {
      const values = columns.map((c) => row[c] ?? null);
      if (values.some((v) => v === null)) return;
      const key = JSON.stringify(values);
      const previous = seen.get(key);
      if (previous !== undefined) {
        const cols = columns.length === 1 ? columns[0]! : `(${columns.join(", ")})`;
        const vals = values.length === 1 ? String(values[0]) : `(${values.join(", ")})`;
        throw new OmniError(
          "InvalidRow",
          { table: `${type.kind}:${type.name}`, reason: `@unique violation on ${cols}` },
          `@unique violation on ${type.name}.${cols}: value '${vals}' appears in rows ${previous} and ${index}`,
        );
      }
      seen.set(key, index);
    });
  }
}
