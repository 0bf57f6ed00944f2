// The mutants: realistic regressions of the engine code the `fixed` profile runs (its write
// path, recovery, publisher, lease, maintenance, schema apply, init and the fixes). Each is one
// exact text replaced in one file; test/tools/mutants.test.ts checks every anchor still occurs
// exactly once. `npm run mutants` runs the default hunt's `fixed` cells against each.
import type { Mutant } from "./types.ts";

const W = "engine/write/";
const R = "engine/recovery/";

export const MUTANTS: readonly Mutant[] = [
  // ---- the write path ----
  {
    id: "drift-guard-dropped",
    file: `${W}commit-all.ts`,
    find: "      await driftGuard(h, s.tableKey, s.path, s.ref, current);\n",
    replace: "",
    category: "dropped-check",
    breaks: "a write commits on a table whose Lance HEAD is ahead of its manifest pin, folding uncovered drift into its publish",
  },
  {
    id: "read-set-token-unchecked",
    file: `${W}commit-all.ts`,
    find: "if (readSetToken(env) && fresh.headToken !== txn.base.headToken) {",
    replace: "if (readSetToken(env) && fresh.headToken !== fresh.headToken) {",
    category: "dropped-check",
    breaks: "a write validated against an old graph head commits anyway (its @card and endpoint checks are void)",
  },
  {
    id: "strict-commit-check-dropped",
    file: `${W}commit-all.ts`,
    find: "      if (isStrict(staging.opKinds.get(s.tableKey)!)) await ensureExpectedVersion(env, s.tableKey, s.path, s.ref, current, s.expected);\n",
    replace: "",
    category: "dropped-check",
    breaks: "an update or delete no longer checks at commit time that its table is still at the version it read",
    blindSpot:
      "a blind spot (diagnosed on `fixed`, argued on `upstream`): the check is one of three guards of one fact, a strict write's table still at the version it read. On `fixed` the write revalidates inside its commit section, which holds the branch lease, so no other committer moves the table's pin between that revalidation and the commit (only a committer whose lease lapsed, which the publish fence refuses), and the publisher's expected-version check refuses the publish anyway. On `upstream` (no lease) a table moved by another process between the check and the commit is refused at the publish by the same expected versions (and the head token), after the commit instead of before: the write fails either way, and recovery rolls its commit back (its captured head moved), so the only difference is an extra Lance version and the error the caller sees (`ExpectedVersionMismatch` either way, or `RecoveryRequired`). Killed once (random-workload-branches seed 64, a weak kill: a schedule moved onto a known failure); survived 11,700 universes at 100 per cell and 12,600 at 300 per `fixed` cell (`npm run mutants -- --only strict-commit-check-dropped --budget 300 --fixed-only`)",
  },
  {
    id: "sidecar-after-commits",
    file: `${W}commit-all.ts`,
    find: `    let sidecarId: string | null = null;
    if (pins.length > 0) {
      const sidecar = newSidecar(env, { kind, branch: txn.branch, actorId: actor, tables: pins, ...sidecarOwner(env, section), ...capturedAuthority(txn.base, readSetToken(env)) });
      await writeSidecar(env, sidecar);
      sidecarId = sidecar.operation_id;
    }
    // Inline deletes moved HEAD before the sidecar existed; only now may they be rejected.
    for (const tableKey of staging.inline.keys()) {
      const current = fresh.pinned(tableKey);
      const e = staging.expected.get(tableKey)!;
      if (e !== current) throw expectedVersionMismatch(tableKey, e, current);
    }
    const updates: TableUpdate[] = [...staging.inline].map(([tableKey, c]) => ({ tableKey, ref: staging.refOf(tableKey), version: c.version, rowCount: c.rowCount }));
    for (const s of staged) {
      const r = await commitTable(env, s.tableKey, s.path, s.ref, s.readVersion, s.delta);
      requireExactCommit(env, s.tableKey, s.expected, r.version, sidecarId);
      const content = await env.storage.datasets.checkout(s.path, s.ref, r.version);
      updates.push({ tableKey: s.tableKey, ref: s.ref, version: r.version, rowCount: content.rows.length });
    }
`,
    replace: `    let sidecarId: string | null = null;
    for (const tableKey of staging.inline.keys()) {
      const current = fresh.pinned(tableKey);
      const e = staging.expected.get(tableKey)!;
      if (e !== current) throw expectedVersionMismatch(tableKey, e, current);
    }
    const updates: TableUpdate[] = [...staging.inline].map(([tableKey, c]) => ({ tableKey, ref: staging.refOf(tableKey), version: c.version, rowCount: c.rowCount }));
    for (const s of staged) {
      const r = await commitTable(env, s.tableKey, s.path, s.ref, s.readVersion, s.delta);
      requireExactCommit(env, s.tableKey, s.expected, r.version, sidecarId);
      const content = await env.storage.datasets.checkout(s.path, s.ref, r.version);
      updates.push({ tableKey: s.tableKey, ref: s.ref, version: r.version, rowCount: content.rows.length });
    }
    // The intent is recorded once the commits it describes are done.
    if (pins.length > 0) {
      const sidecar = newSidecar(env, { kind, branch: txn.branch, actorId: actor, tables: pins, ...sidecarOwner(env, section), ...capturedAuthority(txn.base, readSetToken(env)) });
      await writeSidecar(env, sidecar);
      sidecarId = sidecar.operation_id;
    }
`,
    category: "reordered-write",
    breaks: "the sidecar is written after the dataset commits (Phase A after Phase B): a crash between them leaves drift no sidecar covers",
  },
  {
    id: "staged-deletes-not-committed",
    file: `${W}commit-all.ts`,
    find: "if (table.rows.length === 0 && table.deletes.length === 0) continue;",
    replace: "if (table.rows.length === 0) continue;",
    category: "dropped-write",
    breaks: "a staged delete is skipped at commit: the delete is acknowledged and nothing is deleted",
  },
  {
    id: "single-row-delete-unstaged",
    file: `${W}execute.ts`,
    find: "if (count > 0) for (const clause of where.anyOf) staging.stageDelete(tableKey, clause);",
    replace: "if (count > 1) for (const clause of where.anyOf) staging.stageDelete(tableKey, clause);",
    category: "off-by-one",
    breaks: "a delete that matches exactly one row stages nothing, yet reports the row deleted",
  },
  {
    id: "card-scan-reads-pin",
    file: `${W}execute.ts`,
    find: "const at = regress298(h.env) ? opened.readAt : await h.env.storage.datasets.latestVersion(opened.path, opened.ref);",
    replace: "const at = opened.readAt;",
    category: "stale-cache",
    breaks: "the edge @card scan reads the write's pinned base instead of live HEAD (#298 undone by hand)",
    blindSpot:
      "a blind spot no sound oracle can close (diagnosed): the count differs from the original's only while the edge table's Lance HEAD is not its pin at the scan, which is outside the commit section; a version published since the write's probe moves the head token, so `readSetToken` refuses the write before any effect and the retry counts again at the new pin (the original refuses at once with `CardinalityViolation`; the mutant, after its retries, with the same error or, under contention, `ReadSetChanged`); an unpublished version (another committer's commit before its publish, a dead writer's drift) is counted by the original and not by the mutant, and either it is published before this write's publish (the token moves: refused and counted again) or rolled back, when the original's refusal was the spurious one; so on `upstream` and `fixed` the mutant only changes which allowed error a refused write reports, or accepts a write the original refuses over unpublished drift, and the seed-era cells count its card violations as B2 (their own bug)",
  },
  {
    id: "edge-dst-unchecked",
    file: `${W}execute.ts`,
    find: '  await ensureNodeIdExists(h, txn, staging, type, "dst", t.to, to);\n',
    replace: "",
    category: "dropped-check",
    breaks: "an edge insert no longer checks that its destination node exists (referential integrity)",
  },
  {
    id: "loader-card-unchecked",
    file: `${W}load.ts`,
    find: "    enforceCardinality(t, countSourcesPerEdge(spec.mode === \"Overwrite\" ? [] : committed, staging.pendingRows(tableKey), spec.mode === \"Merge\"));\n",
    replace: "",
    category: "dropped-check",
    breaks: "a load no longer enforces edge @card",
  },
  {
    id: "sidecar-deleted-before-publish",
    file: `${W}mutate.ts`,
    find: `    await publishUpdates(h, txn, committed.updates, committed.expected, actor, options);
    if (committed.sidecarId) await deleteSidecarBestEffort(h.env, committed.sidecarId);`,
    replace: `    if (committed.sidecarId) await deleteSidecarBestEffort(h.env, committed.sidecarId);
    await publishUpdates(h, txn, committed.updates, committed.expected, actor, options);`,
    category: "reordered-write",
    breaks: "a write deletes its sidecar before publishing: a crash between leaves committed, unpublished drift with no sidecar",
  },
  {
    id: "lease-released-before-sidecar-delete",
    file: `${W}mutate.ts`,
    find: `    if (committed.sidecarId) await deleteSidecarBestEffort(h.env, committed.sidecarId);
  } finally {
    await committed.section.exit();
  }`,
    replace: `    await committed.section.exit();
    if (committed.sidecarId) await deleteSidecarBestEffort(h.env, committed.sidecarId);
  } finally {
    await committed.section.exit();
  }`,
    category: "early-release",
    breaks: "a write gives its commit section (the branch lease) back before deleting its sidecar, so the next holder recovers a live writer's sidecar",
  },
  {
    id: "publish-error-swallowed",
    file: `${W}mutate.ts`,
    find: "    await publishUpdates(h, txn, committed.updates, committed.expected, actor, options);",
    replace: "    await publishUpdates(h, txn, committed.updates, committed.expected, actor, options).catch(() => undefined);",
    category: "swallowed-error",
    breaks: "a write whose publish failed is acknowledged as if it had published",
  },
  {
    id: "read-set-retry-gives-up",
    file: `${W}mutate.ts`,
    find: "if (attempt >= READ_SET_ATTEMPTS) {",
    replace: "if (attempt >= 1) {",
    category: "early-give-up",
    breaks: "a write whose read set changed before its effect fails at once instead of preparing again",
    blindSpot:
      "a blind spot of the `fixed` cells: `ownerLease` holds every committer from its revalidation to its publish, so no other commit lands in the window this check guards there; it bears load only where the lease is off (the `upstream` cells, which the mutants run does not use yet), and a run over those would catch it",
  },
  {
    id: "read-set-retry-no-refresh",
    file: `${W}mutate.ts`,
    find: "      await h.coordinator.refresh();\n    }\n  }\n}",
    replace: "    }\n  }\n}",
    category: "stale-cache",
    breaks: "a write that lost its read set prepares again on the same stale warm snapshot",
    blindSpot:
      "a blind spot (not proved equivalent): under `probeOnWrite` (on in `upstream` and `fixed`) every attempt's `openWriteTxn` probes the manifest and refreshes the warm snapshot, so the dropped refresh is redone one step later; on the seed profiles no hunt cell within the budget makes a write lose its read set and retry",
  },
  {
    id: "write-probe-dropped",
    file: `${W}txn.ts`,
    find: "  if (probeOnWrite(h.env)) await coordinator.probe();\n",
    replace: "",
    category: "stale-cache",
    breaks: "a write pins the handle's warm snapshot without probing the manifest (the stale write base of a long-lived handle)",
    blindSpot:
      "killed since the `missing-endpoints-have-a-cause` oracle (an edge insert's `MissingEndpoint` is spurious when every endpoint it names was in every published state of its branch in its window) and the `stale-handle-endpoint` scenario (sequential rounds over long-lived handles: one inserts a person, another, stale, links to it): `npm run mutants -- --only` at 100 universes per cell kills it in `stale-handle-endpoint` on `upstream`, seed 14, and with `--fixed-only` on `fixed` at the same seed (a stale handle's link to a person another handle published fails `MissingEndpoint`); before them, a blind spot: strict writes judge the caller's observed view either way (`strictBase`), and a stale non-strict base moves no effect past `readSetToken`, so the probe bears load only where validation reads the warm view before the commit (`ensureNodeIdExists`), which the random workload never reached (its actors draw endpoints from the seed rows and their own inserts) and no oracle judged (the op policy allows `MissingEndpoint` on any write)",
  },
  {
    id: "maintenance-window-off-by-one",
    file: `${W}open-table.ts`,
    find: ".filter((v) => v.version > from && v.version <= to);",
    replace: ".filter((v) => v.version >= from && v.version <= to);",
    category: "off-by-one",
    breaks: "the op-class precondition counts the pinned version itself among the versions since the pin, so a strict write after a compaction is refused",
  },
  {
    id: "maintenance-class-includes-update",
    file: `${W}open-table.ts`,
    find: 'new Set<LanceOp>(["Rewrite", "ReserveFragments", "CreateIndex"]);',
    replace: 'new Set<LanceOp>(["Rewrite", "ReserveFragments", "CreateIndex", "Update"]);',
    category: "wrong-target",
    breaks: "a logical Update between a strict write's pin and HEAD is taken for maintenance and fast-forwarded over",
  },
  {
    id: "write-schema-revalidation-dropped",
    file: `${W}schema-revalidation.ts`,
    find: "  if (validated === null || validated !== now) {",
    replace: "  if (false) {",
    category: "dropped-check",
    breaks: "a write no longer checks in its commit section that the schema contract is the one it validated at open, so it commits a property an apply published between its contract read and its head probe just dropped",
    // Its first kill, seed 640 of `random-workload` on `fixed`, moved with the schedules the
    // re-read itself adds; measured since: `random-workload-branches` on `fixed` kills it at
    // portfolio seed 143 and `schema-apply-pauses` at 860, `random-workload` not within 1,500.
    defaultHuntCell: { scenario: "random-workload-branches", profile: "fixed" },
  },
  // ---- the publisher and the coordinator ----
  {
    id: "publisher-no-retry",
    file: "engine/manifest/publisher.ts",
    find: "if (attempt < PUBLISHER_RETRY_BUDGET) continue;",
    replace: "if (attempt < 0) continue;",
    category: "early-give-up",
    breaks: "a publish that loses one row-level CAS race fails instead of reloading and retrying",
  },
  {
    id: "publisher-expected-unchecked",
    file: "engine/manifest/publisher.ts",
    find: "    if (expected) checkExpected(latestVisiblePerTable(state.rows), expected);\n",
    replace: "",
    category: "dropped-check",
    breaks: "the publisher no longer checks the expected table versions before it merges",
    blindSpot:
      "a blind spot of the `fixed` cells: `ownerLease` holds every committer from its revalidation to its publish, so no other commit lands in the window this check guards there; it bears load only where the lease is off (the `upstream` cells, which the mutants run does not use yet), and a run over those would catch it",
  },
  {
    id: "publisher-head-token-unchecked",
    file: "engine/manifest/publisher.ts",
    find: "    if (options.expectedHeadToken !== undefined) checkHeadToken(state, options.expectedHeadToken);\n",
    replace: "",
    category: "dropped-check",
    breaks: "the publisher no longer checks that the graph head is still the one the write validated against",
    blindSpot:
      "a blind spot (diagnosed): on `fixed` every publisher of a branch holds its lease and re-asserts it in the same merge, so between a write's revalidation in its commit section and its publish no other publish lands unless the write's lease lapsed (a pause past the lease), and then the fence refuses it anyway, `LeaseLost` instead of `ReadSetChanged`; on `upstream` (no lease) it bears load, and `edge-insert-vs-endpoint-delete` kills it there: a node delete that finds no edge to cascade stages only its node table, so in another process it can publish between an edge insert's in-section revalidation and the insert's publish; the original refuses the insert (`ReadSetChanged`), the mutant publishes an edge to the deleted node (a dangling edge; `run edge-insert-vs-endpoint-delete --profile upstream --seeds 300`: the mutant fails at seed 18, the original passes all 300); the default hunt kills it on `upstream` beyond the mutants run's budget of 100, and the run confirms it in that cell at the default budget (`defaultHuntCell`; the seed is in the results)",
    defaultHuntCell: { scenario: "edge-insert-vs-endpoint-delete", profile: "upstream" },
  },
  {
    id: "duplicate-version-row-allowed",
    file: "engine/manifest/publisher.ts",
    find: "if (requested.has(id) || (prior !== undefined && !ownerHandoff)) {",
    replace: "if (requested.has(id)) {",
    category: "dropped-check",
    breaks: "a publish may register a table version the manifest already has (two writers claiming one version)",
    blindSpot:
      "a blind spot: in the model only a merge re-registering its adopted state (#473, F10) meets this guard; `fixed` closes that path (`fix517`, `adoptAboveTarget`), the red cells count the refusal as their own symptom, and with the guard gone the merge succeeds, re-registering the version; the `table-versions-append-only` oracle (no table version registered again as another state) now catches that where the row count differs (a #473 re-registration of the very same row is harmless)",
  },
  {
    id: "own-publish-not-cached",
    file: "engine/manifest/coordinator.ts",
    find: "      this.current = Snapshot.fromManifest(await loadBranchManifest(this.env, this.branch, v));\n      await maybeFail(this.env, FP.GRAPH_PUBLISH_AFTER_MANIFEST_COMMIT);\n      await maybeFail(this.env, FP.GRAPH_PUBLISH_BEFORE_COMMIT_APPEND);\n",
    replace: "      await maybeFail(this.env, FP.GRAPH_PUBLISH_AFTER_MANIFEST_COMMIT);\n      await maybeFail(this.env, FP.GRAPH_PUBLISH_BEFORE_COMMIT_APPEND);\n",
    category: "stale-cache",
    breaks: "a handle's warm snapshot is not moved to its own publish",
    blindSpot:
      "a blind spot: `probeOnWrite` makes every write of `fixed` read the manifest instead of its warm snapshot, and no oracle checks that a handle reads its own acknowledged write; a read-your-writes check on the same handle would catch it",
  },
  {
    id: "probe-misses-one-version",
    file: "engine/manifest/coordinator.ts",
    find: "if (latest === this.current.version) return false;",
    replace: "if (latest <= this.current.version + 1) return false;",
    category: "off-by-one",
    breaks: "the probe ignores a manifest that moved by exactly one version, so the warm snapshot stays one publish behind",
  },
  // ---- the lease ----
  {
    id: "lease-holder-ignored",
    file: "engine/lease/lease.ts",
    find: "    if (holder !== null && holder !== owner) return null;\n",
    replace: "",
    category: "dropped-check",
    breaks: "taking the branch lease no longer checks for a live holder: two committers hold it at once",
  },
  {
    id: "lease-ttl-in-seconds",
    file: "engine/lease/lease.ts",
    find: "[leaseRow(resource, { owner, untilMs: env.clock.now() + LEASE_TTL_MS })]",
    replace: "[leaseRow(resource, { owner, untilMs: env.clock.now() + LEASE_TTL_MS / 1000 })]",
    category: "off-by-one",
    breaks: "a lease is written to last 30 ms instead of 30 s (a unit slip), so it expires under a live committer",
  },
  {
    id: "lease-release-not-owner-checked",
    file: "engine/lease/lease.ts",
    find: '  if (stateIn(state.rows, lease.resource).owner !== lease.owner) return "released";\n',
    replace: "",
    category: "early-release",
    breaks: "giving a lease back no longer checks it is still ours: a late release frees the lease of whoever took it over",
    blindSpot:
      "a blind spot at the measured commit: it needs a lease holder that outlives its 30 s lease, which only a latency fault past the lease makes, and the faults judge excused every violation of such a universe as a documented limit; since the judge excuses only what the paused committer does by design (`pausedCommitter`), the default hunt's `random-workload-pauses` (latency faults alone) kills it on `fixed` (committers whose lease the late release freed fail, or recovery runs twice: the kill is in the results), at 100 universes per cell since the workload's schema applies moved its schedules, and past 100 before that; its cell is named for confirmation at the default budget should a schedule move it past 100 again (`defaultHuntCell`)",
    defaultHuntCell: { scenario: "random-workload-pauses", profile: "fixed" },
  },
  {
    id: "lease-fence-unchecked",
    file: "engine/lease/lease.ts",
    find: "  if (holder !== lease.owner) {\n",
    replace: "  if (holder !== lease.owner && holder !== null) {\n",
    category: "dropped-check",
    breaks: "the publisher's lease fence accepts an expired lease, so a committer whose lease ran out still publishes",
    blindSpot:
      "a blind spot (diagnosed): the fence bears load only when a committer's lease ran out before its publish (a latency fault past the 30 s lease), the lease is free again at the publish, and the publish's own expectations do not refuse it; the workload `schema-apply-pauses` (schema applies paused past their lease beside writers of other processes) reached that for schema applies, whose publish carried no expected versions, and killed the mutant there (seed 9 of its `fixed` cell); since the apply's publish under `readSetToken` expects the graph head and the pins it captured, as 62a9c3fe's ExactGraphHead does, a successor's roll-back moves both and the publish is refused without the fence, so the cell is green with the mutant (test/scenarios/schema-apply-pauses.test.ts holds that); what remains is a publish with no expectations after a lapsed lease (a maintenance publish, content-preserving), which no oracle can call wrong"
  },
  {
    id: "section-skips-recovery",
    file: "engine/handle/commit-section.ts",
    find: "      recovered = await recoverUnderLease(env, h.coordinator, lease, branch);",
    replace: "      recovered = { moved: false, schemaPromoted: false };",
    category: "wrong-recovery-decision",
    breaks: "a committer holding the branch lease no longer recovers what dead committers left behind",
  },
  {
    id: "schema-lock-not-cleared",
    file: "engine/handle/commit-section.ts",
    find: "  if (branch === null && (await schemaApplyLocked(env))) await env.storage.manifest.deleteBranch(SCHEMA_APPLY_LOCK_BRANCH);\n",
    replace: "",
    category: "wrong-recovery-decision",
    breaks: "recovery under the lease no longer clears the schema-apply lock of an apply that died (F2)",
  },
  // ---- recovery ----
  {
    id: "partial-commit-rolled-forward",
    file: `${R}classify.ts`,
    find: 'if (classes.some((c) => c !== "RolledPastExpected")) return "RollBack";',
    replace: 'if (classes.every((c) => c !== "RolledPastExpected")) return "RollBack";',
    category: "wrong-recovery-decision",
    breaks: "a sidecar whose tables only partly committed is rolled forward instead of back",
  },
  {
    id: "strict-post-commit-pin-unchecked",
    file: `${R}classify.ts`,
    find: 'return pin.expected_version === pinned && pin.post_commit_pin === head ? "RolledPastExpected" : "UnexpectedAtP1";',
    replace: 'return pin.expected_version === pinned ? "RolledPastExpected" : "UnexpectedAtP1";',
    category: "dropped-check",
    breaks: "strict classification no longer checks that HEAD is the writer's own post-commit pin",
    equivalent:
      "no `fixed` behaviour can tell it from the original: the dropped conjunct is implied. Strict classification reaches it only with HEAD one past the manifest pin and the pin's expected version equal to that pin; every strict (Mutation, Load) sidecar pin is built by `commitAll`, with `post_commit_pin` its expected version plus one, except an inline delete's, which `stagedDeletes` (on in `upstream` and `fixed`) never makes (`recordInline` runs only without it); so post-commit pin = expected + 1 = pinned + 1 = HEAD whenever the rest of the condition holds. On the seed-era profiles an inline delete's pin is its commit's version, which `requireHead` puts at the pin plus one for a single delete; two inline deletes of one table write one sidecar after both, with HEAD already two past the pin",
  },
  {
    id: "rollback-restores-post-commit",
    file: `${R}process.ts`,
    find: "    await env.storage.datasets.restore(s.path, branch, s.pinned);",
    replace: "    await env.storage.datasets.restore(s.path, branch, s.pin.post_commit_pin);",
    category: "wrong-target",
    breaks: "a roll-back restores each table to the writer's post-commit pin instead of the manifest pin",
  },
  {
    id: "rollforward-publishes-pin",
    file: `${R}process.ts`,
    find: "    versions.set(s.pin.table_key, s.head);\n",
    replace: "    versions.set(s.pin.table_key, s.pinned);\n",
    category: "wrong-target",
    breaks: "a roll-forward audits each table as moved to its old pin (the audit's outcomes name the wrong version)",
    blindSpot:
      "a blind spot at the measured commit: no oracle read an audit row's outcomes; the oracles rework (every recovered operation audited once, with the kind and outcomes of what recovery did) is written to catch it and landed after this run",
  },
  {
    id: "rollback-audit-after-delete",
    file: `${R}process.ts`,
    find: `  await recordAudit(env, sidecar, version, "RolledBack", outcomes);
  await env.storage.objects.delete(sidecarFileOf(env, sidecar));`,
    replace: `  await env.storage.objects.delete(sidecarFileOf(env, sidecar));
  await recordAudit(env, sidecar, version, "RolledBack", outcomes);`,
    category: "reordered-write",
    breaks: "a roll-back deletes the sidecar before its audit: a crash between leaves a recovered operation with no audit row",
    blindSpot:
      "a blind spot at the measured commit: only 'audited at most once' was judged, so a recovered operation with no audit row passed; the oracles rework's `audit-missing` is written to catch it and landed after this run",
  },
  {
    id: "audit-recovered-keeps-sidecar",
    file: `${R}process.ts`,
    find: `        await recordAudit(env, sidecar, snapshot.version, rolledBack ? "RolledBack" : "RolledForward", outcomes);
        await env.storage.objects.delete(sidecarFileOf(env, sidecar));
        return "AuditRecovered";`,
    replace: `        await recordAudit(env, sidecar, snapshot.version, rolledBack ? "RolledBack" : "RolledForward", outcomes);
        return "AuditRecovered";`,
    category: "dropped-write",
    breaks: "recovery of a published-but-unaudited operation writes the audit and leaves the sidecar behind",
  },
  {
    id: "audit-once-dropped",
    file: `${R}audit.ts`,
    find: "  if (auditOnce(env) && (await alreadyAudited(env, sidecar.operation_id))) {\n",
    replace: "  if (false as boolean) {\n",
    category: "dropped-check",
    breaks: "recovery appends an audit row even when the operation already has one (F1 undone)",
  },
  {
    id: "audit-once-any-operation",
    file: `${R}audit.ts`,
    find: "return rows.some((r) => r.operation_id === operationId && (kind === undefined || r.recovery_kind === kind));",
    replace: "return rows.some((r) => kind === undefined || r.recovery_kind === kind);",
    category: "wrong-target",
    breaks: "the audit-once check matches any earlier audit of the same kind, so a second recovered operation is never audited",
    blindSpot:
      "a blind spot at the measured commit: a second recovered operation left unaudited was not judged (no `audit-missing`); the oracles rework is written to catch it and landed after this run",
  },
  {
    id: "partial-staging-promoted",
    file: `${R}schema-state-files.ts`,
    find: "if (completeStagingPromotion(env) && present.source && !(present.ir && present.state)) {",
    replace: "if (completeStagingPromotion(env) && present.source && !(present.ir || present.state)) {",
    category: "wrong-recovery-decision",
    breaks: "a staging set missing only one of the IR and state files is promoted instead of discarded (F3 half undone)",
    equivalent:
      "outside `fixed` the mutated condition is conjoined with `completeStagingPromotion`, off on every other profile, so the mutant is the same program there; on `fixed` the `verifySchemaFiles` branch runs first and discards (or refuses) every staging set that does not form a valid contract with the live files it would leave, and a set holding `_schema.pg.staging` and exactly one of the IR and state staging files forms one only if the staged schema's IR hash equals the live IR's (the contract check demands hash(compile(source)) = hash(IR) = the state's hash); an apply writes staging files only when its plan has steps, that is when the desired catalog differs from the accepted one read from the live IR, so its IR (the catalog's full serialization) and hash differ: the mutated line never meets a partial set on `fixed`",
  },
  {
    id: "staging-source-written-last",
    file: "engine/schema-state/contract-files.ts",
    find: `    await putSchemaFile(env, stagingName(SCHEMA_SOURCE_FILE), rendered.source);
    await putSchemaFile(env, stagingName(SCHEMA_IR_FILE), rendered.irJson);
    await putSchemaFile(env, stagingName(SCHEMA_STATE_FILE), rendered.stateJson);`,
    replace: `    await putSchemaFile(env, stagingName(SCHEMA_IR_FILE), rendered.irJson);
    await putSchemaFile(env, stagingName(SCHEMA_STATE_FILE), rendered.stateJson);
    await putSchemaFile(env, stagingName(SCHEMA_SOURCE_FILE), rendered.source);`,
    category: "reordered-write",
    breaks: "schema apply writes `_schema.pg.staging` last, so a crash mid-set leaves IR and state staging files that recovery promotes",
  },
  {
    id: "merge-chain-unchecked",
    file: `${R}process.ts`,
    find: "if (stale && (rolledBack || ((await staleRollForwardProven(env, sidecar, states)) && (await mergeChainPublished(env, sidecar, states))))) {",
    replace: "if (stale && (rolledBack || (await staleRollForwardProven(env, sidecar, states)))) {",
    category: "dropped-check",
    breaks: "recovery audits a branch merge's stale sidecar RolledForward without finding the merge's own planned commits under the published pins (#345), so a merge that failed before any commit is recorded as done once another writer moved its table",
    defaultHuntCell: { scenario: "uncommitted-merge-audited-forward", profile: "upstream" },
  },
  {
    id: "merge-commit-not-exact",
    file: `${R}merge-txn-chain.ts`,
    find: "    if (!mergeTxnChain(env) || expected === undefined || committed === expected + step) return committed;",
    replace: "    if (!mergeTxnChain(env) || expected === undefined || committed >= expected + step) return committed;",
    category: "off-by-one",
    breaks: "a merge checks only that each of its commits is not behind the version its chain planned, so a commit Lance placed past it, over another process's unpublished commit, is published, which recovery then refuses as not its chain",
    defaultHuntCell: { scenario: "uncommitted-merge-audited-forward", profile: "upstream" },
    blindSpot:
      "a blind spot (diagnosed): the check bears load only on `upstream` (on `fixed` the merge commits under the branch lease, so no other committer lands between its plan and its commit), and there only when another process's load arms its sidecar and commits after the merge's listing under its gates and before the merge's own commit. Until `upstream` had its write barrier (`writeBarrier`) a merge went ahead beside a load whose sidecar was already pending, and this cell killed the mutant at portfolio seed 175; with the barrier that merge refuses `RecoveryRequired`, and the narrower window was not reached in 1,500 universes of the cell (nor in 100 of every cell). The check is upstream's (`commit_exact_merge_stage`) and still guards that window; `test/engine/merge-txn-chain.test.ts` holds the exact-commit arm",
  },
  {
    id: "merge-refreshes-after-lease",
    file: "engine/merge/merge.ts",
    find: "    if (section.lease !== null) await refreshAfterError();",
    replace: "    if (section.lease === null) await refreshAfterError();",
    category: "reordered-write",
    breaks: "under `ownerLease` a failed merge releases its lease before its error-path refresh, so the next committer rolls its sidecar back while the merge still runs (`live-sidecar-deleted`)",
    defaultHuntCell: { scenario: "uncommitted-merge-audited-forward", profile: "fixed" },
  },
  // ---- maintenance ----
  {
    id: "optimize-pending-sidecars-ignored",
    file: "engine/maintenance/optimize.ts",
    find: "  if (pending.length > 0) {\n    throw new OmniError(",
    replace: "  if (pending.length < 0) {\n    throw new OmniError(",
    category: "dropped-check",
    breaks: "optimize no longer refuses to run while recovery sidecars are pending",
    blindSpot:
      "killed since the control `optimize-beside-dead-writer` (a writer in its own crashable process makes one to three inserts, the crash budget's one crash where the seed says; then optimize in a process opened before the crash; the control's cells are `seed` and `fixed`, and a control fails on any violation): a crash between an insert's sidecar and its commit leaves the sidecar pending, the original refuses (`RecoveryRequired`), the mutant compacts node:Person and publishes past the dead writer's expected version, and the final open's stale-sidecar rule audits the writer RolledForward (`audit-mismatch`, \"its writer never committed\"; `npm run mutants -- --only` at 100: `optimize-beside-dead-writer` on `seed`, seed 49); on `fixed` it stays harmless (the commit section recovers every dead committer's sidecar before optimize plans, while the table is still at the sidecar's expected version: a roll-back); before it, a blind spot: no hunt cell had a crashing writer followed by an optimize in another live process, and the `upstream` and seed-era bug cells count this audit-mismatch as F8's (`auditOnce` off there)",
  },
  {
    id: "optimize-compaction-no-retry",
    file: "engine/maintenance/optimize.ts",
    find: "if (isRetryableLanceConflict(e) && attempt < COMPACTION_RETRY_BUDGET) continue;",
    replace: "if (isRetryableLanceConflict(e) && attempt < 1) continue;",
    category: "early-give-up",
    breaks: "optimize gives up on the first retryable Lance conflict of its compaction (#297's retry undone)",
    blindSpot:
      "a blind spot of the `fixed` cells: `ownerLease` holds every committer from its revalidation to its publish, so no other commit lands in the window this check guards there; it bears load only where the lease is off (the `upstream` cells, which the mutants run does not use yet), and a run over those would catch it",
  },
  {
    id: "optimize-publish-stops-short",
    file: "engine/maintenance/optimize.ts",
    find: "    if (current >= target) return;",
    replace: "    if (current >= target - 1) return;",
    category: "off-by-one",
    breaks: "optimize's monotonic publish stops when the pin is one below its target, leaving its last commit unpublished",
    blindSpot:
      "killed since the random workload's schema has a keyless node type (`Note`, whose only index is `btree:id`): an optimize that indexes the seeded note without compacting commits exactly one version, and the `maintenance-published` oracle catches the publish that stops one short (`npm run mutants -- --only` at 100: `random-workload` on `fixed`, seed 5); before it, a blind spot: every table of the hunt's schemas needed two or more indices or a compaction (two versions), so the pin sat two or more below optimize's target",
  },
  {
    id: "optimize-publish-conflict-swallowed",
    file: "engine/maintenance/optimize.ts",
    find: "      if (!(e instanceof OmniError) || e.manifestKind !== \"Conflict\") throw e;\n",
    replace: "      if (!(e instanceof OmniError)) throw e;\n",
    category: "swallowed-error",
    breaks: "optimize's publish treats every engine error as a conflict to retry past, then gives up quietly when the pin already moved",
    blindSpot:
      "killed since the `publishes-recorded` oracle (every main-branch publish of an operation that returned ok has its `_graph_commits` row): `npm run mutants -- --only` at 100 universes per cell kills it in `optimize-vs-write` on `upstream`, seed 12 (an injected failure at `graph_publish.before_commit_append` swallowed, optimize ok with its publish unrecorded); before it, a blind spot: storage faults reach the publish as storage errors, which the mutant still throws, and after an injected failure past the manifest commit the mutant's retry finds the pin at its target and optimize returns ok with only the graph commit missing",
  },
  // ---- schema apply ----
  {
    id: "schema-apply-ignores-advance",
    file: "engine/schema-apply/apply.ts",
    find: "    if (current.headToken !== snapshot.headToken) {",
    replace: "    if (current.headToken !== snapshot.headToken && current.version < snapshot.version) {",
    category: "dropped-check",
    breaks: "schema apply no longer notices that main's graph head moved while it rewrote tables (the check before its staging writes)",
    blindSpot:
      "a blind spot (diagnosed): the check is the early half of one guard whose other half is the apply's conditional publish (`publishApply` expects the captured head token and each touched table's pin, as 62a9c3fe's ExactGraphHead does), so a head that moved is refused at the publish either way, after the staging writes instead of before (staging files the next open discards); on `fixed` the apply holds main's lease from before its lock to its publish, so no logical publish moves the head in between (a lapsed holder's is fenced), and on `upstream` writes and merges are refused by the schema-apply lock and maintenance keeps the head token in the model, so no hunt cell moves the head inside the window; on the seed-era profiles the mutated line does not run (they keep the seed's version check). Before the check moved to the head token (62a9c3fe) the mutant weakened the seed's version check, and survived every cell as well"
  },
  {
    id: "schema-staging-after-publish",
    file: "engine/schema-apply/apply.ts",
    find: `    await writeSchemaContractStaging(env, source);
    await maybeFail(env, FP.SCHEMA_APPLY_AFTER_STAGING_WRITE);
    const manifestVersion = await publishApply(h, section, snapshot, changes, pins, registrations, tombstones);`,
    replace: `    await maybeFail(env, FP.SCHEMA_APPLY_AFTER_STAGING_WRITE);
    const manifestVersion = await publishApply(h, section, snapshot, changes, pins, registrations, tombstones);
    await writeSchemaContractStaging(env, source);`,
    category: "reordered-write",
    breaks: "schema apply publishes the new tables before it writes the new schema's staging files",
  },
  {
    id: "schema-catalog-not-reloaded",
    file: "engine/schema-apply/apply.ts",
    find: "    h.catalog = desired;\n",
    replace: "",
    category: "stale-cache",
    breaks: "the applying handle keeps its old catalog after its own schema apply",
    blindSpot:
      "killed since the random workload's applies add `@index` on `age` (the first apply of a universe adds it, an AddConstraint that no later apply removes) and the `index-coverage` oracle (an optimize or ensureIndices acknowledged on a handle that knew the schema in force, here by its own apply, leaves every table with rows carrying every index that schema declares): `npm run mutants -- --only` at 100 universes per cell kills it in `random-workload` on `fixed`, seed 1 (`index-not-built` / ensureIndices by a01 / node:Person: the applying handle's ensureIndices builds from its old catalog and leaves `btree:age` unbuilt); before them, a blind spot: the handle's catalog is read only by optimize, ensure indices and cleanup, a merge's candidate validation and a write's touched-table list (on `upstream` and `fixed` every write plans against its own transaction's catalog), and the workloads' schema changes (an optional `nickname`, no index, no new table) left all of those alike",
  },
  // ---- init (#502, #487) ----
  {
    id: "init-cleanup-after-physical",
    file: "engine/graph/fix502.ts",
    find: '      if (phase === "physical") return indeterminate(env, error); // outcome unknown: the claim stays, nothing is deleted\n',
    replace: "",
    category: "wrong-recovery-decision",
    breaks: "an init that fails while creating its datasets releases its claim as if it had failed before them (#502 half undone)",
    blindSpot:
      "killed since upstream's `init.table_create_ack_lost` failpoint (with `fix502`, after each table's dataset Create) and the `indeterminate-inits-kept` oracle (an init whose dataset Create took effect and whose manifest Create did not keeps its claim and schema files): `npm run mutants -- --only` at 100 universes per cell kills it in `init-cleanup-deletes-graph` on `upstream`, seed 6 (`indeterminate-init-undone`); before them, a blind spot: no failpoint stood in the window, and with `--faults error,ack-loss` on `datasets.create` the released claim left a root as bricked as the kept one (its datasets refuse `initTakeover`), whose `root-bricked` the faults judge excuses as a documented limit",
  },
  {
    id: "init-claim-released-early",
    file: "engine/graph/fix502.ts",
    find: `        await checkWritten(env, INIT_CLAIM_FILE, claim);
        await checkRoot();
      } catch (e) {`,
    replace: `        await checkWritten(env, INIT_CLAIM_FILE, claim);
        await checkRoot();
        await release();
      } catch (e) {`,
    category: "early-release",
    breaks: "init releases its root claim as soon as it has checked the root, before writing anything",
  },
  {
    id: "stamp-after-create",
    file: "engine/manifest/graph-init.ts",
    find: "  const stamped = stampsAtCreate(env);",
    replace: "  const stamped = !stampsAtCreate(env);",
    category: "reordered-write",
    breaks: "the internal-schema stamp is written after the manifest's Create again, reopening the unstamped window (#487 undone)",
    blindSpot:
      "a blind spot: torn-init-unstamped's searched form no longer lets the search kill its init (the window before the Create moved to dead-init-bricks-root), so no `fixed` cell crashes an init between its Create and its stamp; letting the crash plan reach that init again would catch it",
  },
];
