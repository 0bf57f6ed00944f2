// Canonical ordering helpers. The catalog is built through these from both the parser and
// the IR loader, so a schema's meaning, not the order it was written in, decides its IR hash.

import type { ConstraintColumns } from "./catalog.ts";

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedStrings(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareStrings);
}

/** A map whose iteration order is its keys sorted. */
export function sortedMap<V>(entries: Iterable<readonly [string, V]>): Map<string, V> {
  return new Map([...entries].sort((a, b) => compareStrings(a[0], b[0])));
}

export function constraintLabel(columns: ConstraintColumns): string {
  return columns.join(",");
}

/** Columns sorted within each list, lists sorted and without repeats (as upstream's IR). */
export function canonicalConstraintLists(lists: Iterable<readonly string[]>): ConstraintColumns[] {
  const byLabel = new Map<string, ConstraintColumns>();
  for (const list of lists) {
    const columns = sortedStrings(list);
    byLabel.set(constraintLabel(columns), columns);
  }
  return [...byLabel.entries()].sort((a, b) => compareStrings(a[0], b[0])).map(([, columns]) => columns);
}
