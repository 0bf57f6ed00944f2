// Copy-on-write maps: a map is never changed once built; a write makes a new one. The store's
// maps are small (a few datasets, branches and objects), so copying one costs less than a
// persistent map's hashing, and taking the state stays O(1): it is just the current map.

const EMPTY: ReadonlyMap<unknown, unknown> = new Map<unknown, unknown>();

export function emptyMap<K, V>(): ReadonlyMap<K, V> {
  return EMPTY as ReadonlyMap<K, V>;
}

/** `map` with `key` set to `value`. */
export function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
  const next = new Map(map);
  next.set(key, value);
  return next;
}

/** `map` without `key`. */
export function withoutEntry<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  if (!map.has(key)) return map;
  const next = new Map(map);
  next.delete(key);
  return next;
}
