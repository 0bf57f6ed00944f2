// The refs of one versioned thing: main plus named branches, each its own version chain.
// A branch forks by sharing the parent's chain, so its numbers continue from the fork point
// and its history up to the fork is the parent's (as Lance branches share it).
import { StorageError } from "../../engine/storage/errors.ts";
import type { Branch, Version } from "../../engine/storage/types.ts";
import { emptyMap, withEntry } from "./cow.ts";
import { VersionChain, type Versioned } from "./version-chain.ts";

export interface Refs<T extends Versioned> {
  readonly main: VersionChain<T>;
  /** Named branches; main is never in here. */
  readonly branches: ReadonlyMap<string, VersionChain<T>>;
}

export function refsStartingWith<T extends Versioned>(first: T): Refs<T> {
  return { main: VersionChain.of(first), branches: emptyMap() };
}

export function branchLabel(branch: Branch): string {
  return branch ?? "main";
}

/** The chain of `branch`; NotFound (naming `owner`) when the branch does not exist. */
export function chainOf<T extends Versioned>(refs: Refs<T>, branch: Branch, owner: string): VersionChain<T> {
  if (branch === null) return refs.main;
  const chain = refs.branches.get(branch);
  if (chain === undefined) throw new StorageError("NotFound", `Branch ${branch} not found in ${owner}`);
  return chain;
}

export function withChain<T extends Versioned>(refs: Refs<T>, branch: Branch, chain: VersionChain<T>): Refs<T> {
  return branch === null ? { ...refs, main: chain } : { ...refs, branches: withEntry(refs.branches, branch, chain) };
}

/** The entry for `at` on `branch`; VersionNotFound if it never existed or was cleaned up. */
export function entryAt<T extends Versioned>(chain: VersionChain<T>, branch: Branch, at: Version): T {
  const entry = chain.find(at);
  if (entry === undefined) {
    throw new StorageError("VersionNotFound", `Version not found error: version ${branchLabel(branch)}:${at} does not exist`);
  }
  return entry;
}

/**
 * The versions a commit built on `readVersion` must be checked against, oldest first.
 * A read version from the future is a caller bug (InvalidInput); one that never existed or was
 * cleaned up cannot be checked against its successors (VersionNotFound).
 */
export function versionsSince<T extends Versioned>(chain: VersionChain<T>, branch: Branch, readVersion: Version): T[] {
  if (readVersion > chain.head.version) {
    throw new StorageError(
      "InvalidInput",
      `Invalid input, read version ${readVersion} is ahead of ${branchLabel(branch)} HEAD ${chain.head.version}`,
    );
  }
  entryAt(chain, branch, readVersion);
  return chain.after(readVersion);
}
