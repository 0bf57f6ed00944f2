// A row's content as one string: columns sorted by name, null and absent the same (Arrow has no
// absent column, only a null one). Two rows with the same string hold the same values.
import type { Row } from "../storage/types.ts";

export function canonicalRow(row: Row): string {
  const entries = Object.entries(row)
    .filter(([, v]) => v !== null && v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}
