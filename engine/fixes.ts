// One flag per fix from the bug catalog (engine-model sections 10.5 and 10.7), plus the fixes
// for what the harness found (docs/fixes.md); a profile is a named set of flags.
//
// Each flag is read in one place in the engine, its home: the one file under engine/ named
// for the flag (`fix296` in `recovery/fix296.ts`, `readSetToken` in `handle/read-set-token.ts`,
// `ownerLease` in `lease/owner-lease.ts`). The home either holds the behaviour the flag
// switches (`write/fix308.ts`, `graph/fix502.ts`) or exports the predicate every switch point
// calls, so a reader finds each switch from its importers. No other engine file reads
// `env.fixes`; `test/guards/fix-homes.test.ts` enforces both.

export interface Fixes {
  /** #296: an open-sweep roll-forward that loses the publish race converges or defers. */
  readonly fix296: boolean;
  /** #297: optimize retries Lance conflicts and publishes by monotonic fast-forward. */
  readonly fix297: boolean;
  /** Re-opens #298: the edge @card scan reads the pinned (stale) base, not live HEAD. */
  readonly regress298: boolean;
  /** #361: recovery skips a listed sidecar that vanished before it was read. */
  readonly fix361: boolean;
  /**
   * #308 (`0dcdcf5a`): a delete that matches nothing commits no Lance version. At the seed an
   * inline delete always commits (Lance's `Dataset::delete` emits an `Operation::Delete` even
   * for zero rows) while the cascade records the table only when rows went: HEAD passes the
   * pin with no sidecar (B11). #308 reads the deleted-row count before committing (Lance 7.0's
   * two-phase `DeleteBuilder::execute_uncommitted`); it also staged deletes, which
   * `stagedDeletes` models.
   */
  readonly fix308: boolean;
  /**
   * #502 (`426c7b96`, for #495): init's cleanup of the schema files runs only before the
   * graph's datasets are created, under a root init claim released last. At the seed any
   * failure deletes them: one after the manifest committed leaves a completed graph that can
   * neither open nor be initialized again, and one racing a second init deletes its files.
   */
  readonly fix502: boolean;
  /**
   * #487 (`4ea14450`, for #483): the internal-schema stamp rides the `__manifest` Create
   * commit, so init leaves no window in which the manifest is durable but unstamped.
   */
  readonly fix487: boolean;
  /**
   * Not a fix: upstream's #311 (`7779b724`), after the seed, refuses to open a manifest whose
   * stamp is below the current version (an unstamped one reads as v1); the seed migrates it on
   * its first publish. With the create-to-stamp window open this refusal is #483.
   */
  readonly stampFloor311: boolean;
  /**
   * Found by omnisim, a residual of #297: optimize reads a table's manifest pin before its Lance
   * HEAD. Upstream (the seed and `62a9c3fe` alike) opens HEAD first and reads the pin after, so
   * a write that commits and publishes between the two reads fails optimize with "Lance HEAD
   * version N is behind manifest version N+1" (F4).
   */
  readonly pinBeforeHead: boolean;
  /** RFC-022: every handle of one root in a process shares one write-queue manager. */
  readonly sharedQueues: boolean;
  /** RFC-022: the served handle no longer spawns a detached ensureIndices after a schema apply. */
  readonly noDetachedEnsureIndices: boolean;
  /**
   * RFC-013 s7.1 / RFC-022: a shared head row in every publish, validation redone under it; a
   * write's sidecar records the head it validated against, and recovery never rolls it forward
   * once that head has moved (upstream's v3 sidecar authority).
   */
  readonly readSetToken: boolean;
  /**
   * RFC-022 (#343): a write's table commit must land exactly one version above the pin it
   * validated. A commit Lance rebased over another writer's unpublished commit is not
   * published (the write fails `RecoveryRequired`, its sidecar left to recovery); at the seed it
   * is, and the other writer's effect becomes visible with it (F6).
   */
  readonly exactCommit: boolean;
  /**
   * RFC-022 (#343, `f758ff0d`): a write transaction carries the catalog built from the schema
   * contract it validated when it opened, and plans and validates against it, never the
   * handle's warm catalog. At the seed a long-lived handle keeps the catalog it opened with
   * until a heal of its own reloads it, so after another handle's schema apply dropped a
   * property its writes still carry that property (G4).
   */
  readonly txnCatalog: boolean;
  /** Design A: a write probes the manifest instead of trusting the warm snapshot. */
  readonly probeOnWrite: boolean;
  /** Design A: versions between pin and HEAD that are only compaction fast-forward the pin. */
  readonly opClassPrecondition: boolean;
  /** Deletes are staged under the sidecar instead of committed inline. */
  readonly stagedDeletes: boolean;
  /** No index builds on the write path (prepare_updates_for_commit builds none). */
  readonly noWritePathIndexBuild: boolean;
  /**
   * Cross-process exclusion (the planned writer-epoch fence): a writer holds a lease on its
   * branch, a row of `__manifest` taken by compare-and-swap and judged in virtual time, from
   * its revalidation to its sidecar delete; the lease is recorded in its sidecar. Recovery
   * takes the same lease, so it never acts on a live writer's sidecar, and a crashed owner's
   * intent is recovered once its lease expires.
   */
  readonly ownerLease: boolean;
  /**
   * #514 (`dbcfca35`): Lance lists branches as a LIST of the branch refs, then a read of each; a
   * branch deleted between the two makes the listing fail with NotFound, and with it whatever
   * listed (every write's schema-apply lock check, branch list and delete, the recovery
   * sweep's orphan check). The fix relists, up to three attempts.
   */
  readonly fix514: boolean;
  /**
   * #517 (`28565687`, for #473 and the same failure in #282): a fast-forward merge of a table
   * whose branch edits net to zero (or whose full reload left it as it was) re-registers the
   * target's own row, which the publisher refuses as "table version N already exists", on every
   * retry. The fix drops such a table from the merge's publish.
   */
  readonly fix517: boolean;
  /**
   * #682 (after `62a9c3fe`, for #639): the merge base is sought in the two merging branches'
   * commit graphs only, so a commit both reached by merging a third branch has no record there
   * and is dropped; an older base turns that branch's edits into false conflicts. The fix reads
   * the other live branches' lineage until the merged parents resolve.
   */
  readonly fix682: boolean;
  /**
   * #695 (after `62a9c3fe`, for #683): a first write to a table a branch no longer owns (after a
   * fast-forward merge moved its entry back to main) finds the branch's old fork in the way and
   * reclaims it, although a child branch's manifest still reads it: the child cannot read the
   * table any more. The fix gives each fork a name of its own and leaves reclamation to
   * `cleanup`, which keeps every fork a live branch still references.
   */
  readonly fix695: boolean;
  /**
   * Found by omnisim: a crash between a recovery's audit append and its sidecar delete makes
   * the next recovery audit the same operation again. With the fix, recovery appends an
   * operation's audit row only if the operation has none yet, of any kind (read under the
   * branch lease): a roll-back whose recovery died before its sidecar delete is not audited
   * again as rolled forward (crash-state enumeration's double faults found that gap).
   */
  readonly auditOnce: boolean;
  /**
   * Found by omnisim: the three staging files are separate writes, and a crash between them
   * leaves a partial set. At the seed, recovery with a SchemaApply sidecar present promotes
   * whatever staging file exists, so `_schema.pg` and the IR disagree and every open fails.
   * With the fix a partial set that still has `_schema.pg.staging` (the apply had not published)
   * is discarded, and the apply rolls back; the discard deletes `_schema.pg.staging` last, so a
   * recovery cut part way through it still leaves a set the next recovery discards (deleting it
   * first left the IR and state staging files alone, read as a rename in progress: a double
   * fault crash-state enumeration found).
   */
  readonly completeStagingPromotion: boolean;
  /**
   * Found by omnisim's storage faults (upstream's #601 class): a sidecar written under a foreign
   * name (a misdirected write) is recovered, but recovery deletes its operation's own name, so
   * the file stays forever. With the fix, recovery deletes the key it listed the sidecar under.
   */
  readonly deleteListedSidecar: boolean;
  /**
   * Found by omnisim's storage faults (upstream's #602 class, a lost sidecar update): a writer
   * trusts an acknowledged sidecar put, so a lost (torn, misdirected) one followed by a crash
   * leaves a table past its pin that no intent covers. With the fix the writer reads its sidecar
   * back before any effect, puts it again once, and otherwise fails typed with nothing committed.
   */
  readonly verifySidecarWrite: boolean;
  /**
   * Found by omnisim's storage faults: a schema apply trusts each acknowledged staging put and
   * promotion copy, so a lost, torn or misdirected one leaves three schema files that disagree
   * and every later open fails. With the fix each is read back before anything depends on it, and
   * recovery promotes only a staging set that forms a valid contract (otherwise, with
   * `_schema.pg.staging` still there, the apply never published: the set is discarded).
   */
  readonly verifySchemaFiles: boolean;
  /**
   * Found by omnisim's storage faults, in its own branch lease (`ownerLease`): an acquire whose
   * response was lost, a failed release, or a release that read a stale manifest leaves the lease
   * held by nobody until it runs out. With the fix a failed acquire gives back a lease it may
   * hold, and a release tries a failure or a stale read again.
   */
  readonly leaseThroughFaults: boolean;
  /**
   * Upstream's b25e0388 (in `62a9c3fe`): an open of a root with no `__manifest` fails with a
   * typed storage NotFound (`StorageFailureKind::NotFound`), not the seed's untyped Lance error.
   */
  readonly typedNotFound: boolean;
  /**
   * Found by omnisim: an init that dies before its manifest Create leaves its claim and schema
   * files, and with #502 the root can never be initialized again without an operator. With the
   * fix the claim carries a lease, and an init refused by a claim whose lease ran out (no
   * manifest, none of its datasets) takes the dead attempt over.
   */
  readonly initTakeover: boolean;
  /**
   * Found by omnisim (F15): an init releases the root init claim with a blind delete (upstream's
   * `best_effort_release_init_claim` at `62a9c3fe`), so a release after a misdirected claim
   * create, or by an init paused past its claim's lease and taken over (`initTakeover`), deletes
   * another init's claim. With the fix a release reads the claim and deletes only its own: naming
   * its attempt with half its lease left, or a torn prefix of what it wrote (a read then a delete:
   * a pause between the two longer than half a lease, or a taker of a torn claim, remains).
   */
  readonly ownInitClaimRelease: boolean;
  /**
   * Found by omnisim (F10): a fast-forward into a graph branch registers the adopted state at
   * the source's Lance version, which the target's manifest may already hold for that table
   * from its own fork (a branch's versions continue its parent's numbering): the publisher
   * refuses it ("table version N already exists"), on every retry. With the fix such an
   * adoption is applied as a row delta on the target's own lineage, above every version the
   * target holds. The seed and `62a9c3fe` both have the bug; upstream reworked table
   * registrations later (#630, #686), in code outside the mirrored history.
   */
  readonly adoptAboveTarget: boolean;
  /**
   * #346 (`905a27c4`, after the seed): a SchemaApply sidecar carries its target schema identity
   * and a published marker. At the seed a recovery that finds no staging files to promote rolls
   * a SchemaApply sidecar back, even when an earlier recovery promoted them and died before its
   * roll-forward was published or audited (G1): schema files and data then disagree. With the
   * fix the live schema identity decides (upstream's `62a9c3fe` keeps this rule for such sidecars).
   */
  readonly fix346: boolean;
  /**
   * Found by omnisim (F14; G2 in its triage): recovery takes a table's movement as the sidecar
   * writer's own without asking who made it. Its stale-sidecar rule (every table NoMovement, a
   * pin past the expected version) audits RolledForward a writer that never committed, whose
   * table another writer moved since; its loose classifier rolls an optimize's sidecar forward
   * over another writer's unpublished commit. Upstream has both at the seed and, for sidecars
   * without transaction identity (Optimize), at `62a9c3fe`. With the fix recovery proves the
   * writer's commit from the table's history first, and rolls back what it cannot prove.
   */
  readonly provenRollForward: boolean;
  /**
   * RFC-022 (#343, `f758ff0d`): a branch create heals pending sidecars first and refuses while
   * one of the new branch's name is pending. At the seed a sidecar of a write on a deleted branch
   * outlives it, and after a branch of that name is made again recovery classifies it against
   * the new branch's pins and refuses every open (RecoveryInvariantViolation).
   */
  readonly branchRecoveryBarrier: boolean;
  /**
   * #311 (`7779b724`) and its follow-up, by `62a9c3fe`: a branch's lineage is a projection of its
   * `__manifest` rows. At the seed a crash inside `branch_create` between the manifest branch and
   * its `_graph_commits` branch leaves a branch every write on which fails at its graph commit,
   * and every open after a recovery audit there. The model keeps the lineage tables; with the
   * flag a missing lineage branch of a branch the manifest has is forked from its parent's at the
   * fork point when it is read.
   */
  readonly healMissingLineage: boolean;
  /**
   * #343 (`f758ff0d`) and #351 (`88edc0e2`): a merge and an optimize of one process hold the
   * root schema gate, the merge across its coordinator swap, optimize through its data tables'
   * publishes. At the seed an optimize on a handle a merge has swapped to its target publishes
   * main's compaction through the target's coordinator.
   */
  readonly optimizeMergeGate: boolean;
  /**
   * #299 (`1c5cb874`): lineage in `__manifest`. By `62a9c3fe` a merge publishes its delta and its
   * merge commit (merged parent included) in one manifest CAS. At the seed the merge commit is a
   * separate append after the publish, and an error between them leaves the merged rows on the
   * target with no record of the merged parent: a later merge finds an older base and reports a
   * false conflict.
   */
  readonly mergeLineageInPublish: boolean;
  /**
   * #345 (`e0e145aa`): branch merge enrolled in RFC-022's write path. A BranchMerge sidecar's pins
   * carry the merge's planned transaction chain, and recovery owns only that chain: a table rolls
   * forward only when the versions above its pin are exactly the chain, and an already published
   * merge is recognised by its own effect, not by a pin past the expected version. At the seed
   * (and at `f758ff0d`) the stale-sidecar rule audits RolledForward a merge that failed before
   * any commit once another writer publishes its table past the pin.
   */
  readonly mergeTxnChain: boolean;
  /**
   * RFC-022's synchronous write recovery barrier (`62a9c3fe`, `heal_pending_recovery_sidecars_for_write`):
   * a mutation, load, merge or EnsureIndices heals first, then refuses RecoveryRequired while an
   * intent the heal deferred is on a branch it writes or reads, or is a SchemaApply's; it lists
   * the sidecars again under its gates and refuses the same way (`commit_all`'s pending-sidecar
   * refusal), and refuses a table drift a pending sidecar owns (`ensure_existing_effect_baseline`).
   * At the seed the write goes ahead past a deferred intent and can move a table that intent
   * pins. Off in `fixed`, whose owner lease waits for a live owner's intent instead of refusing
   * it (B7).
   */
  readonly writeBarrier: boolean;
}

export type FixName = keyof Fixes;

export const FIX_NAMES: readonly FixName[] = [
  "fix296",
  "fix297",
  "regress298",
  "fix361",
  "fix308",
  "fix502",
  "fix487",
  "stampFloor311",
  "pinBeforeHead",
  "sharedQueues",
  "noDetachedEnsureIndices",
  "readSetToken",
  "exactCommit",
  "txnCatalog",
  "probeOnWrite",
  "opClassPrecondition",
  "stagedDeletes",
  "noWritePathIndexBuild",
  "ownerLease",
  "fix514",
  "fix517",
  "fix682",
  "fix695",
  "auditOnce",
  "completeStagingPromotion",
  "deleteListedSidecar",
  "verifySidecarWrite",
  "verifySchemaFiles",
  "leaseThroughFaults",
  "typedNotFound",
  "initTakeover",
  "ownInitClaimRelease",
  "adoptAboveTarget",
  "fix346",
  "provenRollForward",
  "branchRecoveryBarrier",
  "healMissingLineage",
  "optimizeMergeGate",
  "mergeLineageInPublish",
  "mergeTxnChain",
  "writeBarrier",
];

/** One line per flag: what it fixes (for `omnisim fixes` and the README's generated table). */
export const FIX_SUMMARIES: Readonly<Record<FixName, string>> = {
  fix296: "B1: a lost roll-forward race converges or defers (#296)",
  fix297: "B3: optimize retries Lance conflicts and publishes by fast-forward (#297)",
  regress298: "re-opens B2: the edge `@card` scan reads the stale pin (#298 undone)",
  fix361: "B5: a listed sidecar that vanished before its read is skipped (#361)",
  fix308: "B11: a delete that matches nothing commits no Lance version (#308)",
  fix502: "#495: init cleans up only before its datasets are created, under a root claim released last (#502)",
  fix487: "#483: the manifest's internal-schema stamp rides its Create commit (#487)",
  stampFloor311: "not a fix: #311's refusal to open a manifest stamped below the current version (red for a torn init)",
  pinBeforeHead: "F4: optimize reads a table's manifest pin before its Lance HEAD, so a write published in between is no error",
  sharedQueues: "RFC-022: every handle of a root in one process shares its write queues",
  noDetachedEnsureIndices: "B1 (server): no detached `ensureIndices` after a schema apply",
  readSetToken: "B2', B2'': a shared head row in every publish; validation redone under it",
  exactCommit: "F6: a write's commit that Lance rebased over another's unpublished commit is not published (RFC-022's exact commit)",
  txnCatalog: "RFC-022: a write plans against the catalog of the schema contract it validated, not the handle's warm one (#343)",
  probeOnWrite: "a write probes the manifest instead of trusting the warm snapshot",
  opClassPrecondition: "B4: an advance made only by maintenance fast-forwards a strict write's pin",
  stagedDeletes: "B8: deletes staged under the sidecar instead of committed inline",
  noWritePathIndexBuild: "B9: no index builds on the write path",
  ownerLease: "B6, B7, B10, F2: a branch lease on `__manifest` from revalidation to sidecar delete, recorded in sidecars",
  fix514: "#514: a branch listing that meets a ref deleted after its LIST lists again",
  fix517: "#473, #282: a merge drops a table whose branch edits net to zero instead of re-registering the target's row (#517)",
  fix682: "#639: the merge base reads other branches' lineage for merged parents the two branches lack (#682)",
  fix695: "#683: table forks get names of their own; only cleanup reclaims a fork, never one a live branch reads (#695)",
  auditOnce: "F1, F8: recovery audits an operation once, whatever the kind of its first row",
  completeStagingPromotion: "F3: a partial staging set is discarded, not promoted",
  deleteListedSidecar: "F7: recovery deletes a sidecar by the key it was listed under (#601's class)",
  verifySidecarWrite: "F11: a writer reads its sidecar back before any effect (#602's class: a lost sidecar write)",
  verifySchemaFiles: "F12: init's and schema apply's files (claim, contract, staging, promotion copies) are read back; recovery promotes only a valid staging set",
  leaseThroughFaults: "F13: a lease an acquire's lost response, a failed release or a stale read left behind is given back",
  typedNotFound: "an open of a root without `__manifest` fails with a typed NotFound (b25e0388)",
  initTakeover: "F9: an init whose claim's lease ran out before its manifest Create is taken over",
  ownInitClaimRelease: "F15: an init releases the root init claim only while it is its own, never a successor's after a takeover or a misdirected create",
  adoptAboveTarget: "F10: a fast-forward into a branch that would re-register a version the target holds applies a row delta on the target's lineage",
  fix346: "G1: a SchemaApply sidecar names its target schema; recovery rolls it forward when that schema is live (#346)",
  provenRollForward: "F14: recovery rolls a sidecar forward (or audits it so) only over a commit the table's history shows is its writer's",
  branchRecoveryBarrier: "RFC-022: a branch create discards the orphaned sidecars of its name first and refuses while one is pending (#343)",
  healMissingLineage: "a branch whose create died between its manifest branch and its lineage branch gets its lineage at its fork point (#311's lineage in the manifest)",
  optimizeMergeGate: "optimize and a merge on one handle never overlap, so optimize never publishes through a coordinator the merge swapped (#343, #351: the root schema gate)",
  mergeLineageInPublish: "a merge publishes its merge commit with its tables, so an error after the publish never leaves merged rows without their merged parent (#299's lineage in the manifest)",
  mergeTxnChain: "a merge sidecar's pins carry its planned transaction chain; recovery rolls it forward, or audits it so, only over that exact chain (#345)",
  writeBarrier: "RFC-022: a write refuses RecoveryRequired while a recovery intent on its branch is pending: after its heal, under its gates, over drift the intent owns (off in `fixed`: the owner lease waits instead)",
};

/** The engine at the seed commits: #297 and #298 fixed, #296 and everything later not. */
const SEED: Fixes = {
  fix296: false,
  fix297: true,
  regress298: false,
  fix361: false,
  fix308: false,
  fix502: false,
  fix487: false,
  stampFloor311: false,
  pinBeforeHead: false,
  sharedQueues: false,
  noDetachedEnsureIndices: false,
  readSetToken: false,
  exactCommit: false,
  txnCatalog: false,
  probeOnWrite: false,
  opClassPrecondition: false,
  stagedDeletes: false,
  noWritePathIndexBuild: false,
  ownerLease: false,
  fix514: false,
  fix517: false,
  fix682: false,
  fix695: false,
  auditOnce: false,
  completeStagingPromotion: false,
  deleteListedSidecar: false,
  verifySidecarWrite: false,
  verifySchemaFiles: false,
  leaseThroughFaults: false,
  typedNotFound: false,
  initTakeover: false,
  ownInitClaimRelease: false,
  adoptAboveTarget: false,
  fix346: false,
  provenRollForward: false,
  branchRecoveryBarrier: false,
  healMissingLineage: false,
  optimizeMergeGate: false,
  mergeLineageInPublish: false,
  mergeTxnChain: false,
  writeBarrier: false,
};

/**
 * What upstream has landed by its newest commit (`62a9c3fe`), as far as the model renders it:
 * #296, #297, #298, #308, #346, #361, #311, #487, #502, #514, #517 and the RFC-022 write protocol's parts (root-shared queues, the
 * `graph_head` token revalidated before effects, the transaction's own catalog, no detached
 * ensureIndices, staged deletes, no index builds on the write path, the fresh capture probe, the branch-create and write recovery barriers, #311's lineage read from the manifest, #299's merge lineage in the publish, the schema gate ordering optimize and merges, #345's merge transaction chains); none of omnisim's own designs.
 * docs/fixes.md says, flag by flag, where the model's rendering differs from upstream's code.
 */
const UPSTREAM: Fixes = {
  ...SEED,
  fix296: true,
  fix361: true,
  fix308: true,
  fix502: true,
  fix487: true,
  stampFloor311: true,
  sharedQueues: true,
  noDetachedEnsureIndices: true,
  readSetToken: true,
  exactCommit: true,
  txnCatalog: true,
  probeOnWrite: true,
  stagedDeletes: true,
  noWritePathIndexBuild: true,
  fix514: true,
  fix517: true,
  typedNotFound: true,
  fix346: true,
  branchRecoveryBarrier: true,
  healMissingLineage: true,
  optimizeMergeGate: true,
  mergeLineageInPublish: true,
  mergeTxnChain: true,
  writeBarrier: true,
};

export const PROFILES = {
  seed: SEED,
  "regress-298": { ...SEED, regress298: true },
  "regress-297": { ...SEED, fix297: false },
  upstream: UPSTREAM,
  fixed: {
    fix296: true,
    fix297: true,
    regress298: false,
    fix361: true,
    fix308: true,
    fix502: true,
    fix487: true,
    stampFloor311: false,
    pinBeforeHead: true,
    sharedQueues: true,
    noDetachedEnsureIndices: true,
    readSetToken: true,
    exactCommit: true,
    txnCatalog: true,
    probeOnWrite: true,
    opClassPrecondition: true,
    stagedDeletes: true,
    noWritePathIndexBuild: true,
    ownerLease: true,
    fix514: true,
    fix517: true,
    fix682: true,
    fix695: true,
    auditOnce: true,
    completeStagingPromotion: true,
    deleteListedSidecar: true,
    verifySidecarWrite: true,
    verifySchemaFiles: true,
    leaseThroughFaults: true,
    typedNotFound: true,
    initTakeover: true,
    ownInitClaimRelease: true,
    adoptAboveTarget: true,
    fix346: true,
    provenRollForward: true,
    branchRecoveryBarrier: true,
    healMissingLineage: true,
    optimizeMergeGate: true,
    mergeLineageInPublish: true,
    mergeTxnChain: true,
    // The owner lease replaces the barrier: a write waits for a live owner's intent instead of
    // refusing it (B7's wedge), and recovers a dead owner's inside its commit section.
    writeBarrier: false,
  },
} as const satisfies Record<string, Fixes>;

export type ProfileName = keyof typeof PROFILES;

export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

export function isProfileName(s: string): s is ProfileName {
  return Object.hasOwn(PROFILES, s);
}

export function isFixName(s: string): s is FixName {
  return (FIX_NAMES as readonly string[]).includes(s);
}
