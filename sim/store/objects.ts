// The virtual object store under the graph root (sidecars, schema files, staging copies):
// atomic put, get, exists, list, delete and rename over a copy-on-write map. `list` returns keys
// only; reading them is a separate `get` each, so a key can vanish in between (bug B5).
import { StorageError } from "../../engine/storage/errors.ts";
import type { ObjectStore } from "../../engine/storage/types.ts";
import { emptyMap, withEntry, withoutEntry } from "./cow.ts";
import { settle } from "./settle.ts";

export type ObjectsState = ReadonlyMap<string, string>;

export const NO_OBJECTS: ObjectsState = emptyMap();

export class VirtualObjects implements ObjectStore {
  constructor(private current: ObjectsState) {}

  /** The durable state right now: a map never changed once built, so taking it is O(1). */
  get state(): ObjectsState {
    return this.current;
  }

  put(key: string, body: string): Promise<void> {
    return settle(() => this.putNow(key, body));
  }

  putNow(key: string, body: string): void {
    this.current = withEntry(this.current, key, body);
  }

  get(key: string): Promise<string> {
    return settle(() => this.getNow(key));
  }

  getNow(key: string): string {
    const body = this.current.get(key);
    if (body === undefined) throw notFound(key);
    return body;
  }

  exists(key: string): Promise<boolean> {
    return settle(() => this.existsNow(key));
  }

  existsNow(key: string): boolean {
    return this.current.has(key);
  }

  list(prefix: string): Promise<string[]> {
    return settle(() => this.listNow(prefix));
  }

  listNow(prefix: string): string[] {
    return [...this.current.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  delete(key: string): Promise<void> {
    return settle(() => this.deleteNow(key));
  }

  deleteNow(key: string): void {
    this.current = withoutEntry(this.current, key);
  }

  rename(from: string, to: string): Promise<void> {
    return settle(() => this.renameNow(from, to));
  }

  renameNow(from: string, to: string): void {
    const body = this.current.get(from);
    if (body === undefined) throw notFound(from);
    if (from === to) return;
    this.current = withEntry(withoutEntry(this.current, from), to, body);
  }
}

function notFound(key: string): StorageError {
  return new StorageError("NotFound", `Object not found: ${key}`);
}
