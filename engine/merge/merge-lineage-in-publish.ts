// The one home of the `mergeLineageInPublish` flag (engine/fixes.ts). At the seed a merge
// publishes its tables (`commit_manifest_updates`), deletes its sidecar, and only then records
// its merge commit with both parents (`record_merge_commit`, a separate `_graph_commits` append):
// an error between the two (failpoint `graph_publish.after_manifest_commit`) leaves the merge's
// rows published on the target with no record that it merged the source. A later merge base
// search then misses that merged parent and takes an older base, against which the merged rows
// read as edits on both sides: a false divergent-update conflict (`merge-false-conflict` on
// `fixed`, seed 152, after an error injected there). Upstream's #299 (`1c5cb874`) moved lineage
// into `__manifest`: by `62a9c3fe` a merge publishes its whole delta and its lineage intent,
// merged parent included, in one manifest CAS (`exec/merge.rs`,
// `commit_updates_on_branch_with_expected`; `graph_coordinator.rs`,
// `commit_changes_with_intent_and_expected`), and the failpoints stand before it
// (`graph_publish.before_commit_append`) and after it (`graph_publish.after_manifest_commit`).
// The model keeps the lineage table and renders that CAS as the publish and the append under
// one coordinator lock with no failpoint between them (a crash between the two storage calls
// remains possible in the model: docs/fidelity.md).
import type { Handle } from "../handle/handle.ts";
import type { PublishOptions } from "../manifest/publisher.ts";
import { deleteSidecarBestEffort } from "../recovery/sidecar.ts";
import type { Version } from "../storage/types.ts";
import type { TableUpdate } from "./publish-table.ts";

/** The merge's publish, sidecar delete and merge commit, in the order the profile's engine has them. */
export async function publishMerge(
  h: Handle,
  updates: readonly TableUpdate[],
  options: () => PublishOptions,
  sidecarId: string | null,
  targetHeadId: string,
  sourceHeadId: string,
  actor: string | null,
): Promise<void> {
  if (h.env.fixes.mergeLineageInPublish) {
    await h.coordinator.publishWithMergeCommit(updates, options, targetHeadId, sourceHeadId, actor);
    if (sidecarId !== null) await deleteSidecarBestEffort(h.env, sidecarId);
    return;
  }
  const manifestVersion: Version = updates.length === 0 ? h.coordinator.snapshot.version : await h.coordinator.publishOnly(updates, options());
  if (sidecarId !== null) await deleteSidecarBestEffort(h.env, sidecarId);
  await h.coordinator.recordMergeCommit(manifestVersion, targetHeadId, sourceHeadId, actor);
}
