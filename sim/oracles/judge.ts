// Runs the oracles over a finished universe and records what they find. Fail closed: a final
// state that cannot be read (a missing schema, a manifest or sidecar that does not decode, a
// table that cannot be checked out, an oracle that cannot read what it needs) is a violation,
// never a pass. A graph that was never initialized (no init acknowledged, nothing at the root)
// is judged by how its operations ended: an empty root is its correct final state.
import { GRAPH_COMMIT_RECOVERIES } from "../../engine/manifest/layout.ts";
import { compileSchema } from "../../engine/schema/catalog-builder.ts";
import { SCHEMA_SOURCE_FILE } from "../../engine/schema/contract.ts";
import type { Catalog } from "../../engine/schema/catalog.ts";
import type { Storage } from "../../engine/storage/types.ts";
import type { TraceEvent } from "../trace.ts";
import type { Violation } from "../violations.ts";
import { decodeAuditOutcomes } from "./reader.ts";
import type { World } from "../world.ts";
import { auditedOnce, recoveryAudited } from "./audit.ts";
import { failedOpsAllOrNothing } from "./atomicity.ts";
import { cardinalityAndIntegrity } from "./card-ri.ts";
import { conflictsHaveCause } from "./conflicts.ts";
import { missingEndpointsHaveCause } from "./endpoints.ts";
import type { AuditRecord, JudgeContext, Oracle } from "./context.ts";
import { ackedWritesVisible } from "./durability.ts";
import { type History, isInit } from "./history.ts";
import { operationsEndAsAllowed } from "./op-policy.ts";
import { leasesHeldByTheLiving } from "./progress.ts";
import { maintenancePublished } from "./maintenance-published.ts";
import { indexCoverage } from "./index-coverage.ts";
import { tableVersionsAppendOnly } from "./version-rows.ts";
import { publishesRecorded } from "./graph-commits.ts";
import { schemaInForce } from "./schema-in-force.ts";
import { manifestHistory, publishedSnapshots } from "./published.ts";
import { schemaAgreesWithData } from "./schema-agreement.ts";
import { liveSidecarsUntouched } from "./sidecar-ownership.ts";
import { sidecarLives } from "./sidecars.ts";
import { branchHistories } from "./branch-snapshots.ts";
import { noOrphanedForks } from "./forks.ts";
import { indeterminateInitsKept } from "./indeterminate-init.ts";
import { ackedWritesVisibleOnBranches, branchesReadable, cardAndIntegrityOnBranches, mergeAllOrNothing, parentWritesVisibleOnBranches } from "./branches.ts";

/** Every standard oracle, by the name scenarios list. */
export const ORACLES: Readonly<Record<string, Oracle>> = {
  "card-and-integrity": cardinalityAndIntegrity,
  "acked-writes-visible": ackedWritesVisible,
  "failed-ops-all-or-nothing": failedOpsAllOrNothing,
  "audited-once": auditedOnce,
  "recovery-audited": recoveryAudited,
  "live-sidecars-untouched": liveSidecarsUntouched,
  "operations-end-as-allowed": operationsEndAsAllowed,
  "card-and-integrity-on-branches": cardAndIntegrityOnBranches,
  "acked-writes-visible-on-branches": ackedWritesVisibleOnBranches,
  "branches-readable": branchesReadable,
  "merge-all-or-nothing": mergeAllOrNothing,
  "parent-writes-visible-on-branches": parentWritesVisibleOnBranches,
  "no-orphaned-forks": noOrphanedForks,
  "conflicts-have-a-cause": conflictsHaveCause,
  "missing-endpoints-have-a-cause": missingEndpointsHaveCause,
  "schema-agrees-with-data": schemaAgreesWithData,
  "leases-held-by-the-living": leasesHeldByTheLiving,
  "maintenance-published": maintenancePublished,
  "index-coverage": indexCoverage,
  "table-versions-append-only": tableVersionsAppendOnly,
  "publishes-recorded": publishesRecorded,
  "schema-in-force": schemaInForce,
};

export async function readAudits(raw: Storage): Promise<AuditRecord[]> {
  if (!(await raw.datasets.exists(GRAPH_COMMIT_RECOVERIES))) return [];
  const head = await raw.datasets.latestVersion(GRAPH_COMMIT_RECOVERIES, null);
  return (await raw.datasets.checkout(GRAPH_COMMIT_RECOVERIES, null, head)).rows.map((r) => {
    const operationId = String(r.operation_id);
    return { operationId, kind: String(r.recovery_kind), outcomes: decodeAuditOutcomes(operationId, r.per_table_outcomes_json) };
  });
}

/** Whether the history acknowledged no init, so the graph may never have existed. */
export function noInitAcknowledged(history: History): boolean {
  return !history.ops.some((o) => isInit(o) && o.status === "ok");
}

/** Whether nothing of a graph is at the root: no manifest and no schema source. */
export async function rootIsEmpty(raw: Storage): Promise<boolean> {
  return !(await raw.manifest.exists()) && !(await raw.objects.exists(SCHEMA_SOURCE_FILE));
}

/** The final state as the oracles read it; null for a graph that was never initialized. */
async function readFinalState(raw: Storage, events: readonly TraceEvent[], history: History, snapshotsFrom: number): Promise<JudgeContext | null> {
  if (!(await raw.objects.exists(SCHEMA_SOURCE_FILE))) {
    if (noInitAcknowledged(history) && (await rootIsEmpty(raw))) return null;
    throw new Error(`the graph has no ${SCHEMA_SOURCE_FILE} at the end of the run: no published snapshot can be read`);
  }
  const manifests = await manifestHistory(raw, events);
  const audits = await readAudits(raw);
  return {
    events,
    history,
    manifests,
    snapshots: await publishedSnapshots(raw, manifests, snapshotsFrom),
    branches: await branchHistories(raw, events),
    sidecars: sidecarLives(history, events),
    audits,
    rolledForward: new Set(audits.filter((a) => a.kind === "RolledForward").map((a) => a.operationId)),
    catalog: compiledSchema(await raw.objects.get(SCHEMA_SOURCE_FILE)),
    raw,
  };
}

/** The accepted schema; a file that does not compile (a storage fault tore it) reads no snapshot. */
function compiledSchema(source: string): Catalog {
  try {
    return compileSchema(source);
  } catch (e) {
    throw new Error(`the graph's ${SCHEMA_SOURCE_FILE} does not compile at the end of the run (${e instanceof Error ? e.message : String(e)})`);
  }
}

function unreadable(what: string, e: unknown) {
  return { kind: "final-state-unreadable" as const, message: `${what}: ${e instanceof Error ? e.message : String(e)}`, details: { error: e instanceof Error ? e.name : "thrown" } };
}

/**
 * `snapshotsFrom`: the oracles are shown only the snapshots from the one standing at that trace
 * index on (`oraclesFrom`, a crash state's future): the earlier ones are not even read.
 */
export async function judge(world: World, history: History, oracles: Readonly<Record<string, Oracle>> = ORACLES, snapshotsFrom = 0): Promise<void> {
  const raw = world.backend.storage;
  // The oracles read the trace as it stands; what they find is recorded once they all have run
  // (recording a violation appends to the trace they read).
  const events = world.trace.events();
  const found: Violation[] = [];
  try {
    await judgeInto(found, raw, events, history, oracles, snapshotsFrom);
    // Whatever the final state (a root an indeterminate init left holds no manifest to read):
    // what an init whose outcome is unknown must keep, where the engine claims to keep it.
    if (world.fixes.fix502) {
      try {
        found.push(...(await indeterminateInitsKept(history, events, raw)));
      } catch (e) {
        found.push(unreadable("oracle indeterminate-inits-kept could not read the root", e));
      }
    }
  } finally {
    for (const v of found) world.violation(v);
  }
}

async function judgeInto(found: Violation[], raw: Storage, events: readonly TraceEvent[], history: History, oracles: Readonly<Record<string, Oracle>>, snapshotsFrom: number): Promise<void> {
  let ctx: JudgeContext | null;
  try {
    ctx = await readFinalState(raw, events, history, snapshotsFrom);
  } catch (e) {
    // Fail closed: how the operations ended needs no final state, so that is still judged.
    for (const v of operationsEndAsAllowed({ history, events })) found.push(v);
    found.push(unreadable("the final state cannot be read", e));
    return;
  }
  if (ctx === null) {
    // Never initialized: nothing to read is the correct final state; how each operation ended
    // (the inits, the final open) is still judged.
    for (const v of operationsEndAsAllowed({ history, events })) found.push(v);
    return;
  }
  for (const name of Object.keys(oracles).sort()) {
    try {
      for (const v of await oracles[name]!(ctx)) found.push(v);
    } catch (e) {
      found.push(unreadable(`oracle ${name} could not read the final state`, e));
    }
  }
}
