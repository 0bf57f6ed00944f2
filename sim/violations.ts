// What an oracle or the harness can find wrong: a closed set of violation kinds, and a violation
// that carries, beside its message, the facts a bug claim matches on (the operation it concerns,
// that operation's kind and actor, the error it ended with, the table). Claims, the shrinker and
// the hunt table read these fields; nobody parses messages.
import type { TableKey } from "../engine/storage/types.ts";

export const VIOLATION_KINDS = [
  // Durability and atomicity (the reference history against every published snapshot).
  "acked-write-lost",
  "acked-delete-undone",
  "partial-effect",
  // Branches: a merge shows all of what it brings or none of it; no table fork outlives every
  // branch that could read it (after recovery and the reconciler).
  "merge-partial",
  "branch-unreadable",
  "inherited-write-lost",
  "orphaned-fork",
  // A merge of disjoint edits refused with conflicts (a scenario's must-succeed demand).
  "false-merge-conflict",
  // Integrity of every published snapshot.
  "card-violated",
  "dangling-edge",
  // A published table version registered again as another state (the manifest's version rows are append-only).
  "table-version-reregistered",
  // Recovery.
  "audit-duplicated",
  "live-sidecar-deleted",
  "drift-after-recovery",
  "sidecar-after-recovery",
  // Recovery left an operation with no audit row; or its audit, or its decision, does not match
  // what it did and what the writer's sidecar and commits show.
  "audit-missing",
  "audit-mismatch",
  "recovery-wrong-decision",
  // The three schema files disagree, are missing, or left staging copies behind after recovery;
  // and the accepted schema and the data (the manifest's tables, their columns) disagree.
  "schema-files-disagree",
  "schema-data-mismatch",
  // An operation waited on a lease that no live process held.
  "progress-blocked",
  // Operations that end as no correct engine would let them.
  "wedged-write",
  "spurious-storage-failure",
  "maintenance-failed",
  // An optimize acknowledged with a compaction or index build of its own left unpublished.
  "maintenance-unpublished",
  // An optimize or ensureIndices acknowledged on a handle that knew the schema in force, with a
  // table left without an index that schema declares.
  "index-not-built",
  // An operation acknowledged with a publish the commit graph never recorded.
  "publish-unrecorded",
  // The last schema apply returned ok, and another schema is in force.
  "schema-not-in-force",
  "open-failed",
  // A root no acknowledged init made a graph of, which no open and no init can use any more.
  "root-bricked",
  // An init whose outcome is unknown (a dataset Create durable, no manifest) lost its claim or
  // schema files though nothing the history shows may remove them (#502).
  "indeterminate-init-undone",
  "unexpected-error",
  // A write failed with a conflict although no other operation's effect was published in its window.
  "spurious-conflict",
  // An edge insert failed with MissingEndpoint although every endpoint it names was in every
  // published state of its branch in its window.
  "spurious-missing-endpoint",
  // A scenario's demands on one operation (the B4 pair).
  "maintenance-failed-logical-write",
  "stale-write-succeeded",
  // The kernel demo's own oracle.
  "lost-update",
  // What no oracle can read is a violation, never a pass.
  "final-state-unreadable",
  // The world itself.
  "harness-error",
  "deadlock",
  "escape",
  "step-limit",
] as const;

export type ViolationKind = (typeof VIOLATION_KINDS)[number];

export function isViolationKind(s: string): s is ViolationKind {
  return (VIOLATION_KINDS as readonly string[]).includes(s);
}

/** The kinds of operation the harness records (scenarios' requests, the restart, the probe). */
export type OpKind = "mutate" | "load" | "open" | "schemaApply" | "optimize" | "ensureIndices" | "refresh" | "read" | "branchCreate" | "branchDelete" | "branchMerge" | "cleanup";

/** The operation a violation concerns, as the harness's history recorded it. */
export interface ViolationOp {
  readonly label: string;
  readonly kind: OpKind;
  /** The actor that ran it (`open-1`, `writer-2`, `ensure_indices#2`, ...). */
  readonly actor: string;
}

export interface Violation {
  readonly kind: ViolationKind;
  readonly message: string;
  readonly op?: ViolationOp;
  /** The error kind the operation ended with (an engine error kind, or a JavaScript error name). */
  readonly errorKind?: string;
  /** The table the violation is about, by its graph name (`node:Person`). */
  readonly table?: TableKey;
  /** Anything else an oracle wants a reader to see (versions, counts, keys). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A short, stable signature of a violation: what a shrinker keeps and a table shows. */
export function signatureOf(v: Violation): string {
  const parts: string[] = [v.kind];
  if (v.errorKind) parts.push(v.errorKind);
  if (v.op) parts.push(`${v.op.kind} by ${v.op.actor}`);
  if (v.table) parts.push(v.table);
  return parts.join(" / ");
}
