// The virtual object store under the graph root (sidecars, schema files, staging copies):
// atomic put, get, exists, list, delete and rename over a persistent map. `list` returns keys
// only; reading them is a separate `get` each, so a key can vanish in between (bug B5).
import { Map as ImmutableMap } from "immutable";
import { StorageError } from "../../engine/storage/errors.ts";
import type { ObjectStore } from "../../engine/storage/types.ts";

export type ObjectsState = ImmutableMap<string, string>;

export const NO_OBJECTS: ObjectsState = ImmutableMap();

export class VirtualObjects implements ObjectStore {
  constructor(private current: ObjectsState) {}

  /** The durable state right now: a persistent value, so taking it is O(1). */
  get state(): ObjectsState {
    return this.current;
  }

  async put(key: string, body: string): Promise<void> {
    this.current = this.current.set(key, body);
  }

  async get(key: string): Promise<string> {
    const body = this.current.get(key);
    if (body === undefined) throw notFound(key);
    return body;
  }

  async exists(key: string): Promise<boolean> {
    return this.current.has(key);
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.current.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  async delete(key: string): Promise<void> {
    this.current = this.current.delete(key);
  }

  async rename(from: string, to: string): Promise<void> {
    const body = this.current.get(from);
    if (body === undefined) throw notFound(from);
    if (from === to) return;
    this.current = this.current.delete(from).set(to, body);
  }
}

function notFound(key: string): StorageError {
  return new StorageError("NotFound", `Object not found: ${key}`);
}
