// The version history of one ref (a dataset branch or a manifest branch): a list of immutable
// entries with consecutive version numbers, itself never changed once built (an append makes a
// new chain; histories are short, so copying one costs less than a persistent list). Cleanup
// only ever drops a prefix, so the retained entries stay consecutive and version v sits at
// index v - oldest.version.
import { version, type Version } from "../../engine/storage/types.ts";

export interface Versioned {
  readonly version: Version;
}

export class VersionChain<T extends Versioned> {
  private constructor(
    private readonly entries: readonly T[],
    /** The chain this one was made from by `append` (so a digest of it costs one step past its parent's). */
    readonly appendedTo: VersionChain<T> | null = null,
  ) {}

  static of<T extends Versioned>(first: T): VersionChain<T> {
    return new VersionChain(Object.freeze([first]));
  }

  get head(): T {
    return this.entries[this.entries.length - 1]!;
  }

  get oldest(): T {
    return this.entries[0]!;
  }

  get size(): number {
    return this.entries.length;
  }

  /** The number the next commit on this ref gets. */
  get nextVersion(): Version {
    return version(this.head.version + 1);
  }

  /** The entry for `v`, or undefined if it never existed or was cleaned up. */
  find(v: Version): T | undefined {
    const index = v - this.oldest.version;
    if (!Number.isInteger(index) || index < 0) return undefined;
    return this.entries[index];
  }

  /** Entries with a version greater than `v`, oldest first (`v` must be retained). */
  after(v: Version): T[] {
    return this.entries.slice(v - this.oldest.version + 1);
  }

  append(entry: T): VersionChain<T> {
    if (entry.version !== this.head.version + 1) {
      throw new Error(`version chain: appending ${entry.version} after ${this.head.version}`);
    }
    return new VersionChain(Object.freeze([...this.entries, entry]), this);
  }

  /** The chain as it was at `v` (retained): what a branch forked at `v` starts from. */
  upTo(v: Version): VersionChain<T> {
    const index = v - this.oldest.version;
    if (!Number.isInteger(index) || index < 0 || index >= this.entries.length) {
      throw new Error(`version chain: no version ${v} to fork at`);
    }
    return index === this.entries.length - 1 ? this : new VersionChain(Object.freeze(this.entries.slice(0, index + 1)));
  }

  /** Keeps only HEAD: what cleanup leaves. */
  headOnly(): VersionChain<T> {
    return new VersionChain(Object.freeze([this.head]));
  }

  /** Without the `n` oldest entries (HEAD always stays): a cleanup cut part way. */
  withoutOldest(n: number): VersionChain<T> {
    return new VersionChain(Object.freeze(this.entries.slice(Math.min(n, this.entries.length - 1))));
  }

  toArray(): T[] {
    return [...this.entries];
  }
}
