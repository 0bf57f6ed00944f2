// The engine's one error type: a kind, structured details and the seed's message. A scenario
// asserts "open failed with ExpectedVersionMismatch{node:Person, 5, 7}" by kind and details,
// never by parsing text.
import type { TableKey, Version } from "./storage/types.ts";

/** Upstream's top-level `OmniError` variants, as far as the write path raises them. */
export type ErrorFamily = "Manifest" | "Storage" | "Validation" | "Schema" | "Recovery" | "Lance" | "Merge" | "AlreadyInitialized" | "InitializationClaimed" | "InitializationIndeterminate";

/** Upstream's `MergeConflictKind`. */
export type MergeConflictKind =
  | "DivergentInsert"
  | "DivergentUpdate"
  | "DeleteVsUpdate"
  | "OrphanEdge"
  | "UniqueViolation"
  | "CardinalityViolation"
  | "ValueConstraintViolation";

/** One conflict a branch merge found (`MergeConflict`). */
export interface MergeConflict {
  readonly tableKey: TableKey;
  readonly rowId: string | null;
  readonly kind: MergeConflictKind;
  readonly message: string;
}

/** Upstream's manifest error kinds (HTTP 409 for Conflict). */
export type ManifestErrorKind = "Conflict" | "Internal" | "NotFound" | "BadRequest";

export interface ErrorDetailsByKind {
  /** The publisher's pre-check, or a strict write's version check, found the table moved. */
  ExpectedVersionMismatch: { tableKey: TableKey; expected: Version; actual: Version };
  /** Row-level CAS lost on `__manifest` (retried by the publisher). */
  RowLevelCasContention: { attempt: number };
  /** The publisher ran out of retries. */
  PublishExhausted: { attempts: number };
  /** A duplicate `(table, version)` row, a re-registration at another path, a duplicate tombstone. */
  ConcurrentModification: { tableKey: TableKey | null; reason: string };
  TableNotFound: { tableKey: TableKey };
  /**
   * Lance HEAD is ahead of the manifest pin and this write cannot cover it. Whether a pending
   * sidecar covers the drift; null when listing the sidecars failed and nobody can tell.
   */
  DriftAhead: { tableKey: TableKey; head: Version; pinned: Version; sidecarRequiresRollback: boolean | null };
  /** Lance HEAD is behind the manifest pin: state no writer can produce. */
  HeadBehindManifest: { tableKey: TableKey; head: Version; pinned: Version };
  /** Recovery refuses to act on a sidecar whose tables violate an invariant. */
  RecoveryInvariantViolation: { operationId: string; tableKey: TableKey; head: Version; pinned: Version };
  /** A failpoint armed with "error". */
  InjectedFailure: { failpoint: string };
  /** `@card` bound exceeded (or under min) for one source. */
  CardinalityViolation: { edge: string; source: string; count: number; min: number; max: number | null };
  /** An edge endpoint that does not exist. */
  MissingEndpoint: { edge: string; role: "src" | "dst"; nodeType: string; id: string };
  /** Property types, required properties, enum values, intra-batch uniqueness. */
  InvalidRow: { table: string; reason: string };
  /** The query mixes inserts/updates with deletes (D2). */
  MixedDestructiveConstructive: Record<string, never>;
  /** The three schema-contract files disagree or are missing. */
  SchemaContractInvalid: { reason: string };
  /** Schema apply is already in progress (the lock branch exists). */
  SchemaApplyLocked: { branch: string };
  /** Schema apply found the manifest moved under it. */
  SchemaApplyLeaseLost: { baseVersion: Version; currentVersion: Version };
  /** The schema change cannot be applied. */
  UnsupportedSchemaChange: { reason: string };
  /**
   * Optimize (or repair) refuses while a sidecar exists; or a write's effect landed where it
   * cannot publish it (`exactCommit`), and its sidecar `operationId` waits for recovery.
   */
  RecoveryRequired: { sidecars: number; operationId?: string };
  /** A sidecar that is corrupt or newer than this engine understands. */
  SidecarSchema: { key: string; reason: string };
  /** A storage call failed (e.g. GET of a listed sidecar that vanished). */
  StorageFailure: { storageKind: string; key: string | null };
  /** A Lance commit conflict surfaced to the caller. */
  LanceCommitConflict: { tableKey: TableKey | null; retryable: boolean };
  /** The read set a write validated against changed before its effect (readSetToken). */
  ReadSetChanged: { attempts: number; beforeEffect: boolean };
  /** A committer's branch lease expired or was taken over before its publish (`ownerLease`). */
  LeaseLost: { resource: string };
  /** The handle is read-only. */
  ReadOnly: Record<string, never>;
  /** `init` against a root that already holds schema files (upstream's `AlreadyInitialized`). */
  AlreadyInitialized: { root: string };
  /** Optimize's compaction of an internal table lost to concurrent writers on every retry. */
  InternalCompactionExhausted: { table: string; attempts: number };
  /** One mutation staged a table in two modes that cannot mix (`append_batch`). */
  StagingModesMixed: { tableKey: TableKey; staged: string; incoming: string };
  /** Another initialization holds the root's init claim (`fix502`). */
  InitializationClaimed: { root: string };
  /**
   * Init failed after its physical phase began (a dataset Create, or the manifest's, may be
   * durable): it keeps its claim and schema files for an operator (`fix502`, upstream's
   * `InitializationIndeterminate`). `source`: the kind of the error it met.
   */
  InitializationIndeterminate: { root: string; source: string };
  /** `__manifest`'s internal-schema stamp is one this engine cannot serve. */
  InternalSchemaUnsupported: { stamp: number; supported: number };
  /** A branch name no branch operation accepts (empty, `main` where a branch is needed, a system ref). */
  InvalidBranch: { branch: string };
  /** The named graph branch does not exist. */
  BranchNotFound: { branch: string };
  /** A branch operation that would break another branch or a live handle (delete while depended on, fork reclaim in doubt). */
  BranchConflict: { branch: string; reason: string };
  /** A request no engine would carry out as given (`OmniError::manifest` with a usage message). */
  InvalidRequest: { reason: string };
  /** A merge that cannot be planned (same source and target, no common ancestor, no head commit, a system ref). */
  MergeRefused: { reason: string };
  /** Row-level conflicts or constraint violations a branch merge found; nothing was published. */
  MergeConflicts: { conflicts: readonly MergeConflict[] };
}

export type OmniErrorKind = keyof ErrorDetailsByKind;

const FAMILY: Record<OmniErrorKind, ErrorFamily> = {
  ExpectedVersionMismatch: "Manifest",
  RowLevelCasContention: "Manifest",
  PublishExhausted: "Manifest",
  ConcurrentModification: "Manifest",
  TableNotFound: "Manifest",
  DriftAhead: "Manifest",
  HeadBehindManifest: "Manifest",
  RecoveryInvariantViolation: "Manifest",
  InjectedFailure: "Manifest",
  CardinalityViolation: "Validation",
  MissingEndpoint: "Validation",
  InvalidRow: "Validation",
  MixedDestructiveConstructive: "Validation",
  SchemaContractInvalid: "Schema",
  SchemaApplyLocked: "Manifest",
  SchemaApplyLeaseLost: "Manifest",
  UnsupportedSchemaChange: "Schema",
  RecoveryRequired: "Recovery",
  SidecarSchema: "Recovery",
  StorageFailure: "Storage",
  LanceCommitConflict: "Lance",
  ReadSetChanged: "Manifest",
  ReadOnly: "Validation",
  LeaseLost: "Manifest",
  StagingModesMixed: "Manifest",
  InternalCompactionExhausted: "Manifest",
  AlreadyInitialized: "AlreadyInitialized",
  InitializationClaimed: "InitializationClaimed",
  InitializationIndeterminate: "InitializationIndeterminate",
  InternalSchemaUnsupported: "Manifest",
  InvalidBranch: "Manifest",
  BranchNotFound: "Manifest",
  BranchConflict: "Manifest",
  MergeRefused: "Manifest",
  InvalidRequest: "Manifest",
  MergeConflicts: "Merge",
};

/** Manifest errors upstream raises as `BadRequest` (`OmniError::manifest`). */
const BAD_REQUEST: ReadonlySet<OmniErrorKind> = new Set<OmniErrorKind>(["InternalSchemaUnsupported", "InvalidBranch", "MergeRefused", "InvalidRequest"]);

/** Manifest errors upstream raises as `Internal` rather than `Conflict`. */
const INTERNAL: ReadonlySet<OmniErrorKind> = new Set<OmniErrorKind>([
  "StagingModesMixed",
  "HeadBehindManifest",
  "RecoveryInvariantViolation",
  "InjectedFailure",
]);

export class OmniError<K extends OmniErrorKind = OmniErrorKind> extends Error {
  override readonly name = "OmniError";
  readonly family: ErrorFamily;

  constructor(
    readonly kind: K,
    readonly details: ErrorDetailsByKind[K],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.family = FAMILY[kind];
  }

  /** For manifest errors: upstream's `ManifestErrorKind`. */
  get manifestKind(): ManifestErrorKind | null {
    if (this.family !== "Manifest") return null;
    if (this.kind === "TableNotFound" || this.kind === "BranchNotFound") return "NotFound";
    if (BAD_REQUEST.has(this.kind)) return "BadRequest";
    return INTERNAL.has(this.kind) ? "Internal" : "Conflict";
  }

  is<T extends OmniErrorKind>(kind: T): this is OmniError<T> {
    return (this.kind as OmniErrorKind) === kind;
  }
}

export function isOmniError<K extends OmniErrorKind>(e: unknown, kind?: K): e is OmniError<K> {
  return e instanceof OmniError && (kind === undefined || e.kind === kind);
}

export function expectedVersionMismatch(tableKey: TableKey, expected: Version, actual: Version): OmniError<"ExpectedVersionMismatch"> {
  return new OmniError(
    "ExpectedVersionMismatch",
    { tableKey, expected, actual },
    `stale view of '${tableKey}': expected manifest table version ${expected} but current is ${actual} — refresh and retry`,
  );
}

/** Lance HEAD behind the manifest pin: the pin names a version the table never reached. */
export function headBehindManifest(tableKey: TableKey, head: Version, pinned: Version): OmniError<"HeadBehindManifest"> {
  return new OmniError("HeadBehindManifest", { tableKey, head, pinned }, `table '${tableKey}' Lance HEAD version ${head} is behind manifest version ${pinned}`);
}

export function injectedFailure(failpoint: string): OmniError<"InjectedFailure"> {
  return new OmniError("InjectedFailure", { failpoint }, `injected failpoint triggered: ${failpoint}`);
}
