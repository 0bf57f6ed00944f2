// A fidelity operation as one call on a storage backend, once its versions are resolved in
// that backend's numbering.
import { version, type Storage, type Version } from "../../engine/storage/types.ts";
import type { FidelityOp } from "./ops.ts";

/** Concrete versions for an operation's VersionRefs (`at` undefined: the manifest's HEAD). */
export interface Resolved {
  readonly read: Version;
  readonly at: Version | undefined;
}

export const NOTHING_RESOLVED: Resolved = { read: version(0), at: undefined };

export function storageCall(op: FidelityOp, r: Resolved): (s: Storage) => Promise<unknown> {
  const at = r.at ?? version(0);
  switch (op.kind) {
    case "datasets.create":
      return (s) => s.datasets.create(op.ds);
    case "datasets.exists":
      return (s) => s.datasets.exists(op.ds);
    case "datasets.latestVersion":
      return (s) => s.datasets.latestVersion(op.ds, op.branch ?? null);
    case "datasets.checkout":
      return (s) => s.datasets.checkout(op.ds, op.branch ?? null, at);
    case "datasets.commit":
      return (s) => s.datasets.commit(op.ds, op.branch ?? null, r.read, op.delta);
    case "datasets.restore":
      return (s) => s.datasets.restore(op.ds, null, at);
    case "datasets.versions":
      return (s) => s.datasets.versions(op.ds, null);
    case "datasets.cleanup":
      return (s) => s.datasets.cleanup(op.ds, null);
    case "datasets.createBranch":
      return (s) => s.datasets.createBranch(op.ds, op.name, op.from, at);
    case "datasets.deleteBranch":
      return (s) => s.datasets.deleteBranch(op.ds, op.name);
    case "datasets.listBranches":
      return (s) => s.datasets.listBranches(op.ds);
    case "datasets.branchContents":
      return (s) => s.datasets.branchContents(op.ds, op.name);
    case "manifest.create":
      return (s) => s.manifest.create();
    case "manifest.exists":
      return (s) => s.manifest.exists();
    case "manifest.latestVersion":
      return (s) => s.manifest.latestVersion(op.branch);
    case "manifest.load":
      return (s) => s.manifest.load(op.branch, r.at);
    case "manifest.merge":
      return (s) => s.manifest.merge(op.branch, r.read, op.rows);
    case "manifest.createBranch":
      return (s) => s.manifest.createBranch(op.name, op.from);
    case "manifest.deleteBranch":
      return (s) => s.manifest.deleteBranch(op.name);
    case "manifest.listBranches":
      return (s) => s.manifest.listBranches();
    case "manifest.branchContents":
      return (s) => s.manifest.branchContents(op.name);
    case "objects.put":
      return (s) => s.objects.put(op.key, op.body);
    case "objects.get":
      return (s) => s.objects.get(op.key);
    case "objects.exists":
      return (s) => s.objects.exists(op.key);
    case "objects.list":
      return (s) => s.objects.list(op.prefix);
    case "objects.delete":
      return (s) => s.objects.delete(op.key);
    case "objects.putIfAbsent":
      return (s) => s.objects.putIfAbsent(op.key, op.body);
    case "objects.copy":
      return (s) => s.objects.copy(op.from, op.to);
  }
}
