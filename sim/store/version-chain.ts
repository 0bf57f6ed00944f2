// The version history of one ref (a dataset branch or a manifest branch): a persistent list of
// immutable entries with consecutive version numbers. Cleanup only ever drops a prefix, so the
// retained entries stay consecutive and version v sits at index v - oldest.version.
import { List } from "immutable";
import { version, type Version } from "../../engine/storage/types.ts";

export interface Versioned {
  readonly version: Version;
}

export class VersionChain<T extends Versioned> {
  private constructor(private readonly entries: List<T>) {}

  static of<T extends Versioned>(first: T): VersionChain<T> {
    return new VersionChain(List.of(first));
  }

  get head(): T {
    return this.entries.get(this.entries.size - 1) as T;
  }

  get oldest(): T {
    return this.entries.get(0) as T;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The number the next commit on this ref gets. */
  get nextVersion(): Version {
    return version(this.head.version + 1);
  }

  /** The entry for `v`, or undefined if it never existed or was cleaned up. */
  find(v: Version): T | undefined {
    const index = v - this.oldest.version;
    if (!Number.isInteger(index) || index < 0) return undefined;
    return this.entries.get(index);
  }

  /** Entries with a version greater than `v`, oldest first (`v` must be retained). */
  after(v: Version): T[] {
    return this.entries.skip(v - this.oldest.version + 1).toArray();
  }

  append(entry: T): VersionChain<T> {
    if (entry.version !== this.head.version + 1) {
      throw new Error(`version chain: appending ${entry.version} after ${this.head.version}`);
    }
    return new VersionChain(this.entries.push(entry));
  }

  /** Keeps only HEAD: what cleanup leaves. */
  headOnly(): VersionChain<T> {
    return new VersionChain(List.of(this.head));
  }

  toArray(): T[] {
    return this.entries.toArray();
  }
}
