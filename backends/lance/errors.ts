// The StorageErrors the Lance backend raises: its own checks (worded as Lance words them, and
// as the virtual store does), and LanceDB's errors classified by their text.
import { StorageError } from "../../engine/storage/errors.ts";
import { version, type Branch, type BranchContents, type Version } from "../../engine/storage/types.ts";

export const branchLabel = (branch: Branch): string => branch ?? "main";

export function datasetNotFound(path: string): StorageError {
  return new StorageError("NotFound", `Dataset at path ${path} was not found`);
}

export function datasetExists(path: string): StorageError {
  return new StorageError("AlreadyExists", `Dataset already exists: ${path}`);
}

export function branchNotFound(branch: string, owner: string): StorageError {
  return new StorageError("NotFound", `Branch ${branch} not found in ${owner}`);
}

export function branchExists(name: string): StorageError {
  return new StorageError("AlreadyExists", `Ref conflict error: branch ${name} already exists`);
}

/** A branch another branch was forked from, which Lance refuses to delete. */
export function refConflict(name: string, children: readonly string[], owner: string): StorageError {
  return new StorageError("RefConflict", `Ref conflict error: branch ${name} is referenced by ${children.join(", ")} in ${owner}, can not delete`);
}

/** What LanceDB's `branches().list()` says of one branch. */
export interface LanceBranchContents {
  readonly parentBranch?: string | null;
  readonly parentVersion: number;
}

/** LanceDB's branch contents in the seam's terms (main is null). */
export function fromLanceContents(c: LanceBranchContents): BranchContents {
  const parent = c.parentBranch === undefined || c.parentBranch === null || c.parentBranch === "main" ? null : c.parentBranch;
  return { parent, parentVersion: version(c.parentVersion) };
}

export function versionNotFound(branch: Branch, at: Version): StorageError {
  return new StorageError("VersionNotFound", `Version not found error: version ${branchLabel(branch)}:${at} does not exist`);
}

export function readVersionAhead(branch: Branch, readVersion: Version, head: Version): StorageError {
  return new StorageError(
    "InvalidInput",
    `Invalid input, read version ${readVersion} is ahead of ${branchLabel(branch)} HEAD ${head}`,
  );
}

export function contention(objectId: string, at: Version, branch: Branch, readVersion: Version): StorageError {
  return new StorageError(
    "TooMuchWriteContention",
    `Too much write contention: row ${objectId} was written by concurrent version ${at} ` +
      `of ${branchLabel(branch)} after read version ${readVersion}`,
  );
}

/** A merge rewriting a row whose fragment a compaction since its read version rewrote. */
export function compactedUnder(objectId: string, at: Version, branch: Branch, readVersion: Version): StorageError {
  return new StorageError(
    "TooMuchWriteContention",
    `Too much write contention: row ${objectId} was rewritten by the compaction at version ${at} ` +
      `of ${branchLabel(branch)} after read version ${readVersion}`,
  );
}

/** A stale compaction whose planned fragments a merge or compaction since rewrote. */
export function compactionPreempted(at: Version, op: string): StorageError {
  return new StorageError(
    "RetryableCommitConflict",
    `Retryable commit conflict for version ${at}: This Rewrite transaction was preempted by concurrent transaction ${op} at version ${at}. Please retry.`,
  );
}

export function ambiguousSource(what: string, key: string): StorageError {
  return new StorageError(
    "InvalidInput",
    `Invalid input, Ambiguous merge inserts are prohibited: ${what} has more than one source row with ${key}`,
  );
}

/** LanceDB's error texts, most specific first. */
const LANCE_ERRORS: readonly [RegExp, StorageError["kind"]][] = [
  [/Retryable commit conflict/i, "RetryableCommitConflict"],
  [/Incompatible transaction/i, "CommitConflict"],
  [/Too much write contention/i, "TooMuchWriteContention"],
  [/_versions\/[^ ]*\.manifest was not found|Version not found/i, "VersionNotFound"],
  [/already exists/i, "AlreadyExists"],
  [/was not found|Ref not found|Not found:/i, "NotFound"],
  [/referenced by/i, "RefConflict"],
  [/Invalid input|Invalid user input|Ref conflict/i, "InvalidInput"],
];

/**
 * A LanceDB error as a StorageError of the kind its text names, keeping Lance's message up to
 * its first "Caused by" (the rest repeats it with Rust source locations). Anything else, and
 * anything that already is a StorageError, is returned unchanged: an unclassified error is a
 * finding, not something to hide under a kind.
 */
export function classifyLanceError(error: unknown): unknown {
  if (error instanceof StorageError || !(error instanceof Error)) return error;
  const match = LANCE_ERRORS.find(([pattern]) => pattern.test(error.message));
  if (match === undefined) return error;
  const message = error.message.split(/\s+Caused by:/)[0]?.trim() ?? error.message;
  return new StorageError(match[1], message);
}

/** Runs a LanceDB call, classifying what it throws. */
export async function lanceCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyLanceError(error);
  }
}
