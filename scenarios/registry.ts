// Every scenario, in the order `omnisim list` shows them.
import { auditTwice } from "./audit-twice.ts";
import { cardConcurrentInsert } from "./card-concurrent-insert.ts";
import { cardLoaderStale } from "./card-loader-stale.ts";
import { cardStaleHandle } from "./card-stale-handle.ts";
import { deadInitBricksRoot } from "./dead-init-bricks-root.ts";
import { demoLostUpdate } from "./demo-lost-update.ts";
import { emptyDeleteDrift } from "./empty-delete-drift.ts";
import { initCleanupDeletesGraph } from "./init-cleanup-deletes-graph.ts";
import { tornInitUnstamped } from "./torn-init-unstamped.ts";
import { manifestCompactionVsPublish } from "./manifest-compaction-vs-publish.ts";
import { indexBuildBreaksPin } from "./index-build-breaks-pin.ts";
import { inlineDeleteCrash } from "./inline-delete-crash.ts";
import { loserSidecarWedge } from "./loser-sidecar-wedge.ts";
import { openSweepCasRace } from "./open-sweep-cas-race.ts";
import { optimizeVsWrite } from "./optimize-vs-write.ts";
import { optimizeHeadBehindPin } from "./optimize-head-behind-pin.ts";
import { partialStagingPromotion } from "./partial-staging-promotion.ts";
import { randomWorkloadBranchesScenario, randomWorkloadPausesScenario, randomWorkloadScenario } from "./random-workload.ts";
import { schemaApplyPausesScenario } from "./schema-apply-pauses.ts";
import { rebasedCommitPublished } from "./rebased-commit-published.ts";
import { recoveryRaceAcrossProcesses } from "./recovery-race-across-processes.ts";
import { netZeroMerge } from "./net-zero-merge.ts";
import { fullReloadMerge } from "./full-reload-merge.ts";
import { mergeFalseConflict } from "./merge-false-conflict.ts";
import { childBranchUnreadable } from "./child-branch-unreadable.ts";
import { branchListRace } from "./branch-list-race.ts";
import { mergeVersionCollision } from "./merge-version-collision.ts";
import { rollbackAuditedForward } from "./rollback-audited-forward.ts";
import { schemaApplyReopen } from "./schema-apply-reopen.ts";
import { schemaLockWedge } from "./schema-lock-wedge.ts";
import { schemaApplyTwoPass } from "./schema-apply-two-pass.ts";
import { schemaContractReadRace } from "./schema-contract-read-race.ts";
import { schemaReadRaceAcrossProcesses } from "./schema-read-race-across-processes.ts";
import { schemaStagingPromotion } from "./schema-staging-promotion.ts";
import { sidecarListGetRace } from "./sidecar-list-get-race.ts";
import { strictWriteAfterInsert } from "./strict-write-after-insert.ts";
import { strictWriteAfterOptimize } from "./strict-write-after-optimize.ts";
import { sweepDiscardsLiveSidecar } from "./sweep-discards-live-sidecar.ts";
import { lostSidecarWrite } from "./lost-sidecar-write.ts";
import { misdirectedSidecar } from "./misdirected-sidecar.ts";
import { uncommittedOptimizeAuditedForward } from "./uncommitted-optimize-audited-forward.ts";
import { uncommittedMergeAuditedForward } from "./uncommitted-merge-audited-forward.ts";
import { optimizeBesideDeadWriter } from "./optimize-beside-dead-writer.ts";
import { edgeInsertVsEndpointDelete } from "./edge-insert-vs-endpoint-delete.ts";
import { staleHandleEndpoint } from "./stale-handle-endpoint.ts";
import type { Scenario } from "./types.ts";

export const SCENARIOS: readonly Scenario[] = [
  openSweepCasRace,
  schemaApplyReopen,
  cardStaleHandle,
  cardConcurrentInsert,
  cardLoaderStale,
  optimizeVsWrite,
  strictWriteAfterOptimize,
  strictWriteAfterInsert,
  sidecarListGetRace,
  sweepDiscardsLiveSidecar,
  loserSidecarWedge,
  inlineDeleteCrash,
  indexBuildBreaksPin,
  schemaStagingPromotion,
  emptyDeleteDrift,
  initCleanupDeletesGraph,
  tornInitUnstamped,
  deadInitBricksRoot,
  manifestCompactionVsPublish,
  auditTwice,
  rollbackAuditedForward,
  schemaLockWedge,
  partialStagingPromotion,
  schemaApplyTwoPass,
  schemaContractReadRace,
  schemaReadRaceAcrossProcesses,
  optimizeHeadBehindPin,
  recoveryRaceAcrossProcesses,
  rebasedCommitPublished,
  netZeroMerge,
  fullReloadMerge,
  mergeFalseConflict,
  childBranchUnreadable,
  branchListRace,
  mergeVersionCollision,
  misdirectedSidecar,
  lostSidecarWrite,
  uncommittedOptimizeAuditedForward,
  uncommittedMergeAuditedForward,
  optimizeBesideDeadWriter,
  edgeInsertVsEndpointDelete,
  staleHandleEndpoint,
  randomWorkloadScenario,
  randomWorkloadBranchesScenario,
  randomWorkloadPausesScenario,
  schemaApplyPausesScenario,
  demoLostUpdate,
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
