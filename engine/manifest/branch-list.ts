// Lance's `list_branches`, as the engine calls it for `__manifest` and for a table: one LIST of
// the branch refs, then a read of each listed ref (its `BranchContents`: parent and fork point),
// each its own storage step. A branch deleted between the LIST and its read is NotFound, and
// at the seed that fails the listing, and whatever operation listed (#514); `fix514` relists.
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import { isStorageError } from "../storage/errors.ts";
import type { BranchContents, DatasetPath } from "../storage/types.ts";
import { branchListingAttempts } from "./fix514.ts";

/** Every named branch of `__manifest` with its ref, by name (sorted). */
export function manifestBranches(env: Env): Promise<ReadonlyMap<string, BranchContents>> {
  return listRefs(env, "__manifest", () => env.storage.manifest.listBranches(), (name) => env.storage.manifest.branchContents(name));
}

/** The names of `__manifest`'s named branches, sorted (one full listing). */
export async function manifestBranchNames(env: Env): Promise<string[]> {
  return [...(await manifestBranches(env)).keys()];
}

/** Every branch (table fork) of a dataset with its ref, by name (sorted). */
export function datasetBranches(env: Env, path: DatasetPath): Promise<ReadonlyMap<string, BranchContents>> {
  return listRefs(env, path, () => env.storage.datasets.listBranches(path), (name) => env.storage.datasets.branchContents(path, name));
}

async function listRefs(
  env: Env,
  owner: string,
  list: () => Promise<string[]>,
  contents: (name: string) => Promise<BranchContents>,
): Promise<ReadonlyMap<string, BranchContents>> {
  const attempts = branchListingAttempts(env);
  for (let attempt = 1; ; attempt++) {
    const names = await list();
    const out = new Map<string, BranchContents>();
    let vanished: string | null = null;
    for (const name of names) {
      try {
        out.set(name, await contents(name));
      } catch (e) {
        if (!isStorageError(e, "NotFound")) throw e;
        vanished = name;
        break;
      }
    }
    if (vanished === null) return out;
    if (attempt >= attempts) {
      const key = `${owner}/_refs/branches/${vanished}.json`;
      throw new OmniError("StorageFailure", { storageKind: "NotFound", key }, `listing branches of ${owner} failed: ref ${key} was not found`);
    }
  }
}
