// Pairs each desired type (or property) with the accepted one it continues: the accepted one
// of the same name, else the one its `@rename_from` names. Same-name matches are claimed
// first, so a rename can never steal an accepted entry that the desired schema still keeps.

export interface Renameable {
  readonly name: string;
  readonly renameFrom: string | null;
}

export type RenameMatch<T extends Renameable> =
  /** Continues `existing` (renamed when the names differ). */
  | { readonly kind: "matched"; readonly desired: T; readonly existing: T }
  /** Nothing accepted to continue: a new entry. */
  | { readonly kind: "new"; readonly desired: T }
  /** `@rename_from` names nothing accepted. */
  | { readonly kind: "renameSourceMissing"; readonly desired: T; readonly from: string }
  /** `@rename_from` names an accepted entry another desired entry already continues. */
  | { readonly kind: "renameSourceTaken"; readonly desired: T; readonly from: string };

export interface RenameMatching<T extends Renameable> {
  /** One per desired entry, in desired order. */
  readonly matches: readonly RenameMatch<T>[];
  /** Accepted entries nothing continues, in accepted order: dropped. */
  readonly leftovers: readonly T[];
}

export function matchRenames<T extends Renameable>(
  accepted: ReadonlyMap<string, T>,
  desired: readonly T[],
): RenameMatching<T> {
  const claimed = new Set(desired.filter((d) => accepted.has(d.name)).map((d) => d.name));
  const matches = desired.map((d): RenameMatch<T> => {
    const sameName = accepted.get(d.name);
    if (sameName !== undefined) return { kind: "matched", desired: d, existing: sameName };
    if (d.renameFrom === null) return { kind: "new", desired: d };
    const source = accepted.get(d.renameFrom);
    if (source === undefined) return { kind: "renameSourceMissing", desired: d, from: d.renameFrom };
    if (claimed.has(source.name)) return { kind: "renameSourceTaken", desired: d, from: d.renameFrom };
    claimed.add(source.name);
    return { kind: "matched", desired: d, existing: source };
  });
  const leftovers = [...accepted.values()].filter((a) => !claimed.has(a.name));
  return { matches, leftovers };
}
