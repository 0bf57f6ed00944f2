// The vocabulary of the differential fidelity test: storage operations as data, so that
// fast-check can generate, print and shrink sequences of them, and one runner can apply the
// same sequence to the virtual store and to real Lance.
import type { Branch, DatasetPath, ManifestRow, TxnDelta } from "../../engine/storage/types.ts";

/**
 * A version named relative to the dataset's (or manifest branch's) HEAD when the operation
 * runs, in the virtual store's numbering; the runner maps it to Lance's. `back` 0 is HEAD, more
 * is a stale read (never before version 1); `ahead` names a version from the future; `zero`
 * names version 0, which never exists.
 */
export type VersionRef =
  | { readonly from: "head"; readonly back: number }
  | { readonly from: "ahead"; readonly by: number }
  | { readonly from: "zero" };

export type FidelityOp =
  | { readonly kind: "datasets.create"; readonly ds: DatasetPath }
  | { readonly kind: "datasets.exists"; readonly ds: DatasetPath }
  | { readonly kind: "datasets.latestVersion"; readonly ds: DatasetPath; readonly branch?: string }
  | { readonly kind: "datasets.checkout"; readonly ds: DatasetPath; readonly at: VersionRef; readonly branch?: string }
  | { readonly kind: "datasets.commit"; readonly ds: DatasetPath; readonly read: VersionRef; readonly delta: TxnDelta; readonly branch?: string }
  | { readonly kind: "datasets.restore"; readonly ds: DatasetPath; readonly at: VersionRef }
  | { readonly kind: "datasets.versions"; readonly ds: DatasetPath }
  | { readonly kind: "datasets.cleanup"; readonly ds: DatasetPath }
  /** A dataset branch forked from `from` (null: main) at a version of it. */
  | { readonly kind: "datasets.createBranch"; readonly ds: DatasetPath; readonly name: string; readonly from: string | null; readonly at: VersionRef }
  | { readonly kind: "datasets.deleteBranch"; readonly ds: DatasetPath; readonly name: string }
  | { readonly kind: "datasets.listBranches"; readonly ds: DatasetPath }
  | { readonly kind: "datasets.branchContents"; readonly ds: DatasetPath; readonly name: string }
  | { readonly kind: "manifest.create" }
  | { readonly kind: "manifest.exists" }
  | { readonly kind: "manifest.latestVersion"; readonly branch: Branch }
  | { readonly kind: "manifest.load"; readonly branch: Branch; readonly at: VersionRef | null }
  | { readonly kind: "manifest.merge"; readonly branch: Branch; readonly read: VersionRef; readonly rows: readonly ManifestRow[] }
  | { readonly kind: "manifest.createBranch"; readonly name: string; readonly from: Branch }
  | { readonly kind: "manifest.deleteBranch"; readonly name: string }
  | { readonly kind: "manifest.listBranches" }
  | { readonly kind: "manifest.branchContents"; readonly name: string }
  | { readonly kind: "objects.put"; readonly key: string; readonly body: string }
  | { readonly kind: "objects.get"; readonly key: string }
  | { readonly kind: "objects.exists"; readonly key: string }
  | { readonly kind: "objects.list"; readonly prefix: string }
  | { readonly kind: "objects.delete"; readonly key: string }
  | { readonly kind: "objects.putIfAbsent"; readonly key: string; readonly body: string }
  | { readonly kind: "objects.copy"; readonly from: string; readonly to: string };

export type FidelityOpKind = FidelityOp["kind"];

/** The dataset ref an operation's versions are counted on: its branch (main when absent or null). */
export function datasetRefOf(op: FidelityOp): { readonly ds: DatasetPath; readonly branch: string | null } | undefined {
  if (!("ds" in op)) return undefined;
  if (op.kind === "datasets.createBranch") return { ds: op.ds, branch: op.from };
  return { ds: op.ds, branch: "branch" in op && op.branch !== undefined ? op.branch : null };
}

/** A dataset ref's key in the version map: main keeps the plain `ds:<path>`. */
export function datasetKey(ds: DatasetPath, branch: string | null): string {
  return branch === null ? `ds:${ds}` : `ds:${ds}@${branch}`;
}

export const HEAD: VersionRef = { from: "head", back: 0 };
