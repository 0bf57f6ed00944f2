// The storage seam's calls by name, and which of them may change durable state. Layers of the
// seam in the simulator (the crash-state recorder, the storage fault plan) see each call as a
// `StorageCall`: its name, its arguments as the trace records them, and its subject.

/** Every call of the seam (`engine/storage/types.ts`), with whether it may write. */
export const STORAGE_OPS = {
  "datasets.create": "write",
  "datasets.exists": "read",
  "datasets.latestVersion": "read",
  "datasets.checkout": "read",
  "datasets.commit": "write",
  "datasets.restore": "write",
  "datasets.versions": "read",
  "datasets.cleanup": "write",
  "datasets.createBranch": "write",
  "datasets.deleteBranch": "write",
  "datasets.listBranches": "read",
  "datasets.branchContents": "read",
  "manifest.create": "write",
  "manifest.exists": "read",
  "manifest.latestVersion": "read",
  "manifest.load": "read",
  "manifest.merge": "write",
  "manifest.compact": "write",
  "manifest.createBranch": "write",
  "manifest.deleteBranch": "write",
  "manifest.listBranches": "read",
  "manifest.branchContents": "read",
  "objects.put": "write",
  "objects.putIfAbsent": "write",
  "objects.get": "read",
  "objects.exists": "read",
  "objects.list": "read",
  "objects.delete": "write",
  "objects.copy": "write",
} as const;

export type StorageOp = keyof typeof STORAGE_OPS;

/** One call as the seam's layers see it. */
export interface StorageCall {
  readonly op: StorageOp;
  /** Whether the call may change durable state (a put, a commit, a delete, ...). */
  readonly writes: boolean;
  /** The arguments as the trace records them (`key`, `path`, `branch`, `from`/`to`, ...). */
  readonly args: Readonly<Record<string, unknown>>;
  /** An object key, a dataset path, a branch name, or "" (the manifest itself). */
  readonly subject: string;
  /** An object write's destination and body (or, for a copy, its source): what a fault can redirect or tear. */
  readonly object?: ObjectWrite;
}

export interface ObjectWrite {
  readonly key: string;
  readonly body?: string;
  readonly from?: string;
}

export function storageCall(op: StorageOp, subject: string, args: Readonly<Record<string, unknown>>, object?: ObjectWrite): StorageCall {
  // Two literals rather than a spread of an optional part: one object per call, not three.
  const writes = STORAGE_OPS[op] === "write";
  return object ? { op, writes, args, subject, object } : { op, writes, args, subject };
}
