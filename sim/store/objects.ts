// The virtual object store under the graph root (sidecars, schema files, staging copies):
// atomic put, put-if-absent, get, exists, list, delete and copy over a copy-on-write map. `list` returns keys
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

  /** Makes `state` the durable state (see `VirtualStore.restore`). */
  restoreState(state: ObjectsState): void {
    this.current = state;
  }

  put(key: string, body: string): Promise<void> {
    return settle(() => this.putNow(key, body));
  }

  putNow(key: string, body: string): void {
    this.current = withEntry(this.current, key, body);
  }

  putIfAbsent(key: string, body: string): Promise<boolean> {
    return settle(() => this.putIfAbsentNow(key, body));
  }

  putIfAbsentNow(key: string, body: string): boolean {
    if (this.current.has(key)) return false;
    this.current = withEntry(this.current, key, body);
    return true;
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

  copy(from: string, to: string): Promise<void> {
    return settle(() => this.copyNow(from, to));
  }

  copyNow(from: string, to: string): void {
    const body = this.current.get(from);
    if (body === undefined) throw notFound(from);
    this.current = withEntry(this.current, to, body);
  }
}

function notFound(key: string): StorageError {
  return new StorageError("NotFound", `Object not found: ${key}`);
}
