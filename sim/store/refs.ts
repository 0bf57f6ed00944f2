// The refs of one versioned thing: main plus named branches, each its own version chain.
// A branch forks by sharing the parent's chain up to its fork point, so its numbers continue
// from there and its history up to the fork is the parent's (as Lance branches share it). Each
// branch remembers where it came from (Lance's `BranchContents`), and a branch another branch
// was forked from cannot be deleted (Lance's `RefConflict`).
import { StorageError } from "../../engine/storage/errors.ts";
import type { Branch, BranchContents, Version } from "../../engine/storage/types.ts";
import { emptyMap, withEntry, withoutEntry } from "./cow.ts";
import { VersionChain, type Versioned } from "./version-chain.ts";

export interface Refs<T extends Versioned> {
  readonly main: VersionChain<T>;
  /** Named branches; main is never in here. */
  readonly branches: ReadonlyMap<string, VersionChain<T>>;
  /** Each named branch's fork point. */
  readonly forks: ReadonlyMap<string, BranchContents>;
}

export function refsStartingWith<T extends Versioned>(first: T): Refs<T> {
  return { main: VersionChain.of(first), branches: emptyMap(), forks: emptyMap() };
}

export function branchLabel(branch: Branch): string {
  return branch ?? "main";
}

/** The chain of `branch`; NotFound (naming `owner`) when the branch does not exist. */
export function chainOf<T extends Versioned>(refs: Refs<T>, branch: Branch, owner: string): VersionChain<T> {
  if (branch === null) return refs.main;
  const chain = refs.branches.get(branch);
  if (chain === undefined) throw branchNotFound(branch, owner);
  return chain;
}

export function branchNotFound(branch: string, owner: string): StorageError {
  return new StorageError("NotFound", `Branch ${branch} not found in ${owner}`);
}

export function withChain<T extends Versioned>(refs: Refs<T>, branch: Branch, chain: VersionChain<T>): Refs<T> {
  return branch === null ? { ...refs, main: chain } : { ...refs, branches: withEntry(refs.branches, branch, chain) };
}

/**
 * `refs` with branch `name` forked from `from` at `at` (its HEAD when absent). AlreadyExists if
 * `name` is taken; NotFound if `from` is missing; VersionNotFound if `at` is not retained there.
 */
export function withFork<T extends Versioned>(refs: Refs<T>, name: string, from: Branch, at: Version | undefined, owner: string): Refs<T> {
  const parent = chainOf(refs, from, owner);
  if (name === "main" || refs.branches.has(name)) {
    throw new StorageError("AlreadyExists", `Ref conflict error: branch ${name} already exists`);
  }
  const forkAt = at ?? parent.head.version;
  entryAt(parent, from, forkAt);
  return {
    main: refs.main,
    branches: withEntry(refs.branches, name, parent.upTo(forkAt)),
    forks: withEntry(refs.forks, name, Object.freeze({ parent: from, parentVersion: forkAt })),
  };
}

/** `refs` without branch `name`. NotFound if absent; RefConflict while a branch is forked from it. */
export function withoutBranch<T extends Versioned>(refs: Refs<T>, name: string, owner: string): Refs<T> {
  if (!refs.branches.has(name)) throw branchNotFound(name, owner);
  const children = [...refs.forks].filter(([, f]) => f.parent === name).map(([child]) => child).sort();
  if (children.length > 0) {
    throw new StorageError("RefConflict", `Ref conflict error: branch ${name} is referenced by ${children.join(", ")} in ${owner}, can not delete`);
  }
  return { main: refs.main, branches: withoutEntry(refs.branches, name), forks: withoutEntry(refs.forks, name) };
}

/** A branch's fork point; NotFound if absent. */
export function forkOf<T extends Versioned>(refs: Refs<T>, name: string, owner: string): BranchContents {
  const fork = refs.forks.get(name);
  if (fork === undefined) throw branchNotFound(name, owner);
  return fork;
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
