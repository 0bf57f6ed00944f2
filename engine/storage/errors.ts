// Errors a storage backend raises. Both backends raise exactly these kinds, so the engine can
// classify them without knowing which backend it runs on.

export type StorageErrorKind =
  /** A dataset, branch or object that does not exist. */
  | "NotFound"
  | "AlreadyExists"
  /** A version that never existed or was cleaned up. */
  | "VersionNotFound"
  /** An incompatible concurrent transaction (Overwrite or Restore in between). */
  | "CommitConflict"
  /** A concurrent transaction touched the same fragments; a retry on the new HEAD may work. */
  | "RetryableCommitConflict"
  /** Row-level CAS on `__manifest`: a concurrent commit wrote the same objectId. */
  | "TooMuchWriteContention"
  /** A branch another branch was forked from cannot be deleted (Lance's `RefConflict`). */
  | "RefConflict"
  | "InvalidInput"
  /**
   * The call failed in transit (a timeout, a 5xx, a reset connection): it may or may not have
   * taken effect. Only the simulator's storage fault plan raises it today (`sim/faults/`).
   */
  | "Io";

export class StorageError extends Error {
  override readonly name = "StorageError";
  constructor(
    readonly kind: StorageErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export function isStorageError(e: unknown, kind?: StorageErrorKind): e is StorageError {
  return e instanceof StorageError && (kind === undefined || e.kind === kind);
}

/** The Lance conflicts optimize's outer loop retries (`is_retryable_lance_conflict`). */
export function isRetryableLanceConflict(e: unknown): boolean {
  return (
    e instanceof StorageError &&
    (e.kind === "RetryableCommitConflict" || e.kind === "CommitConflict" || e.kind === "TooMuchWriteContention")
  );
}
