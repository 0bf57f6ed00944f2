// Runs the oracles over a finished universe and records what they find.
import { compileSchema } from "../../engine/schema/catalog-builder.ts";
import { SCHEMA_SOURCE_FILE } from "../../engine/schema/contract.ts";
import type { World } from "../world.ts";
import { auditedOnce } from "./audit.ts";
import { failedOpsAllOrNothing } from "./atomicity.ts";
import { cardinalityAndIntegrity } from "./card-ri.ts";
import type { JudgeContext, Oracle } from "./context.ts";
import { ackedWritesVisible } from "./durability.ts";
import type { History } from "./history.ts";
import { operationsEndAsAllowed } from "./op-policy.ts";
import { publishedSnapshots } from "./published.ts";
import { liveSidecarsUntouched } from "./sidecar-ownership.ts";
import { SchemaParseError } from "../../engine/schema/errors.ts";
import { branchHistories } from "./branch-snapshots.ts";
import { noOrphanedForks } from "./forks.ts";
import { ackedWritesVisibleOnBranches, branchesReadable, cardAndIntegrityOnBranches, mergeAllOrNothing, parentWritesVisibleOnBranches } from "./branches.ts";

/** Every standard oracle, by the name scenarios list. */
export const ORACLES: Readonly<Record<string, Oracle>> = {
  "card-and-integrity": cardinalityAndIntegrity,
  "acked-writes-visible": ackedWritesVisible,
  "failed-ops-all-or-nothing": failedOpsAllOrNothing,
  "audited-once": auditedOnce,
  "live-sidecars-untouched": liveSidecarsUntouched,
  "operations-end-as-allowed": operationsEndAsAllowed,
  "card-and-integrity-on-branches": cardAndIntegrityOnBranches,
  "acked-writes-visible-on-branches": ackedWritesVisibleOnBranches,
  "branches-readable": branchesReadable,
  "merge-all-or-nothing": mergeAllOrNothing,
  "parent-writes-visible-on-branches": parentWritesVisibleOnBranches,
  "no-orphaned-forks": noOrphanedForks,
};

export async function judge(world: World, history: History, oracles: Readonly<Record<string, Oracle>> = ORACLES): Promise<void> {
  const raw = world.backend.storage;
  if (!(await raw.objects.exists(SCHEMA_SOURCE_FILE))) {
    // Fail closed: without the schema no snapshot can be read, which is itself a violation; how
    // the operations ended needs no schema, so that is still judged.
    for (const v of operationsEndAsAllowed({ history })) world.violation(v);
    world.violation({ kind: "final-state-unreadable", message: `the graph has no ${SCHEMA_SOURCE_FILE} at the end of the run: no published snapshot can be read` });
    return;
  }
  let catalog: JudgeContext["catalog"];
  try {
    catalog = compileSchema(await raw.objects.get(SCHEMA_SOURCE_FILE));
  } catch (e) {
    if (!(e instanceof SchemaParseError)) throw e;
    // Fail closed again: a schema file that does not compile (a storage fault tore it) reads
    // no snapshot either; it is a violation, never a harness error.
    for (const v of operationsEndAsAllowed({ history })) world.violation(v);
    world.violation({ kind: "final-state-unreadable", message: `the graph's ${SCHEMA_SOURCE_FILE} does not compile at the end of the run (${(e as Error).message}): no published snapshot can be read` });
    return;
  }
  // A copy: the violations recorded below are appended to the trace while later oracles read.
  const events = world.trace.events().slice();
  const ctx: JudgeContext = {
    events,
    history,
    snapshots: await publishedSnapshots(raw, events),
    branches: await branchHistories(raw, events),
    catalog,
    raw,
  };
  for (const name of Object.keys(oracles).sort()) {
    for (const v of await oracles[name]!(ctx)) world.violation(v);
  }
}
