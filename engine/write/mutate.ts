// `mutate_as`: heal first, pin a write txn, execute the query's operations, commit the staged
// tables under the queues (sidecar first), publish, delete the sidecar.
import { FP } from "../../failpoints/catalog.ts";
import { isOmniError, OmniError } from "../errors.ts";
import { maybeFail } from "../failpoint.ts";
import type { Handle } from "../handle/handle.ts";
import { healHandle } from "../handle/heal.ts";
import { writeBarrier } from "../handle/write-barrier.ts";
import { deleteSidecarBestEffort, type SidecarKind } from "../recovery/sidecar.ts";
import { commitAll } from "./commit-all.ts";
import { logicalPublishOptions } from "../handle/commit-section.ts";
import { enforceNoMixedDestructiveConstructive, executeOp } from "./execute.ts";
import type { MutationOp, MutationResult } from "./ops.ts";
import { publishUpdates } from "./publish.ts";
import { MutationStaging } from "./staging.ts";
import { openWriteTxn, type WriteTxn } from "./txn.ts";
import type { HeldQueues } from "../handle/commit-section.ts";
import type { Branch, TableKey } from "../storage/types.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import { requestedBranch, takeForkQueues, touchedByOps } from "./branch-write.ts";

/** Attempts of one write when its read set keeps changing under it (`readSetToken`). */
export const READ_SET_ATTEMPTS = 4;

/** Where a write goes: a named graph branch (default: the handle's bound branch, main). */
export interface WriteOptions {
  readonly branch?: string;
}

export async function mutate(h: Handle, ops: readonly MutationOp[], actor: string | null = null, options: WriteOptions = {}): Promise<MutationResult> {
  const observed = h.coordinator.snapshot;
  const unresolved = await healHandle(h);
  const branch = requestedBranch(h, options.branch, "mutate");
  writeBarrier(h.env, unresolved, [branch], "mutate");
  enforceNoMixedDestructiveConstructive(ops);
  return withReadSetRetry(h, branch, touchedByOps(h.catalog, ops), observed, async (txn, staging) => {
    let affectedNodes = 0;
    let affectedEdges = 0;
    for (const op of ops) {
      const r = await executeOp(h, txn, staging, op);
      affectedNodes += r.affectedNodes;
      affectedEdges += r.affectedEdges;
    }
    return { result: { affectedNodes, affectedEdges }, kind: "Mutation" as const, actor };
  });
}

/** What one attempt of a write prepared. */
export interface Prepared<T> {
  readonly result: T;
  readonly kind: SidecarKind;
  readonly actor: string | null;
}

/**
 * Prepare (validate and stage) on a fresh txn, then commit and publish. Under `readSetToken`
 * a read set that changed before the effect means the validation is void: refresh and
 * prepare again, a bounded number of times.
 */
export async function withReadSetRetry<T>(
  h: Handle,
  branch: Branch,
  touched: readonly TableKey[],
  /** The view the caller last observed, taken before the write's heal (which refreshes it). */
  observed: Snapshot,
  prepare: (txn: WriteTxn, staging: MutationStaging) => Promise<Prepared<T>>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const txn = await openWriteTxn(h, branch, attempt === 1 ? observed : undefined);
    // A write that will fork a table onto its branch holds every touched table's queue from
    // before the first fork through the publish, so a fork reclaim cannot race an in-process fork.
    let held = await takeForkQueues(h, txn.branch, touched);
    let prepared: Prepared<T>;
    const staging = new MutationStaging();
    try {
      prepared = await prepare(txn, staging);
      if (staging.isEmpty) {
        // Nothing to commit: the fork queues go with the write (upstream drops their guards).
        held?.release();
        return prepared.result;
      }
      // Validated and staged, no effect yet: the window the read-set fix closes (named upstream
      // only later; a point on every profile so scripts can park here).
      await maybeFail(h.env, FP.MUTATION_POST_STAGE_PRE_EFFECT_GATE);
    } catch (e) {
      held?.release();
      throw e;
    }
    try {
      const passed = held;
      held = null;
      await commitAndPublish(h, txn, staging, prepared.kind, prepared.actor, passed);
      return prepared.result;
    } catch (e) {
      if (!isOmniError(e, "ReadSetChanged") || !e.details.beforeEffect) throw e;
      if (attempt >= READ_SET_ATTEMPTS) {
        throw new OmniError("ReadSetChanged", { attempts: attempt, beforeEffect: true }, `the read set kept changing; gave up after ${attempt} attempts`);
      }
      await h.coordinator.refresh();
    }
  }
}

/** Phases A-D of one prepared write. */
async function commitAndPublish(
  h: Handle,
  txn: WriteTxn,
  staging: MutationStaging,
  kind: SidecarKind,
  actor: string | null,
  held: HeldQueues | null,
): Promise<void> {
  const committed = await commitAll(h, txn, staging, kind, actor, held);
  try {
    await maybeFail(h.env, FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER);
    const options = logicalPublishOptions(h, committed.section, committed.validatedAt.headToken);
    await publishUpdates(h, txn, committed.updates, committed.expected, actor, options);
    if (committed.sidecarId) await deleteSidecarBestEffort(h.env, committed.sidecarId);
  } finally {
    await committed.section.exit();
  }
}
