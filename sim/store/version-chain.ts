// The version history of one ref (a dataset branch or a manifest branch): a list of immutable
// entries with consecutive version numbers, itself never changed once built (an append makes a
// new chain, sharing the entries when it appends at their end). Cleanup
// only ever drops a prefix, so the retained entries stay consecutive and version v sits at
// index v - oldest.version.
import { version, type Version } from "../../engine/storage/types.ts";

export interface Versioned {
  readonly version: Version;
}

export class VersionChain<T extends Versioned> {
  private constructor(
    /**
     * The entries, of which this chain is the first `length`. A chain appended to at its end
     * shares the list with the chain it makes (it pushes, and the new chain counts one more),
     * so a run of appends costs one entry each rather than a copy of the history each: a
     * manifest takes a version per publish and per lease, and copying made the history
     * quadratic. Entries past `length` belong to a later chain and are never read through
     * this one; appending to a chain that is not the list's last copies its own part.
     */
    private readonly entries: T[],
    private readonly length: number,
    /** The chain this one was made from by `append` (so a digest of it costs one step past its parent's). */
    readonly appendedTo: VersionChain<T> | null = null,
  ) {}

  static of<T extends Versioned>(first: T): VersionChain<T> {
    return new VersionChain([first], 1);
  }

  get head(): T {
    return this.entries[this.length - 1]!;
  }

  get oldest(): T {
    return this.entries[0]!;
  }

  get size(): number {
    return this.length;
  }

  /** The number the next commit on this ref gets. */
  get nextVersion(): Version {
    return version(this.head.version + 1);
  }

  /** The entry for `v`, or undefined if it never existed or was cleaned up. */
  find(v: Version): T | undefined {
    const index = v - this.oldest.version;
    if (!Number.isInteger(index) || index < 0 || index >= this.length) return undefined;
    return this.entries[index];
  }

  /** Entries with a version greater than `v`, oldest first (`v` must be retained). */
  after(v: Version): T[] {
    return this.entries.slice(v - this.oldest.version + 1, this.length);
  }

  append(entry: T): VersionChain<T> {
    if (entry.version !== this.head.version + 1) {
      throw new Error(`version chain: appending ${entry.version} after ${this.head.version}`);
    }
    if (this.length === this.entries.length) {
      this.entries.push(entry);
      return new VersionChain(this.entries, this.length + 1, this);
    }
    const entries = this.entries.slice(0, this.length);
    entries.push(entry);
    return new VersionChain(entries, entries.length, this);
  }

  /** The chain as it was at `v` (retained): what a branch forked at `v` starts from. */
  upTo(v: Version): VersionChain<T> {
    const index = v - this.oldest.version;
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new Error(`version chain: no version ${v} to fork at`);
    }
    return index === this.length - 1 ? this : new VersionChain(this.entries.slice(0, index + 1), index + 1);
  }

  /** Keeps only HEAD: what cleanup leaves. */
  headOnly(): VersionChain<T> {
    return new VersionChain([this.head], 1);
  }

  /** Without the `n` oldest entries (HEAD always stays): a cleanup cut part way. */
  withoutOldest(n: number): VersionChain<T> {
    const entries = this.entries.slice(Math.min(n, this.length - 1), this.length);
    return new VersionChain(entries, entries.length);
  }

  toArray(): T[] {
    return this.entries.slice(0, this.length);
  }
}
