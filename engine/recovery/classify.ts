// The classifier (`classify_table`) and the all-or-nothing decision (`decide`): pure
// functions of a pin, the table's Lance HEAD and its manifest pin.
import type { Version } from "../storage/types.ts";
import type { SidecarKind, SidecarTablePin } from "./sidecar.ts";

export type TableClassification =
  | "InvariantViolation"
  | "NoMovement"
  | "RolledPastExpected"
  | "UnexpectedAtP1"
  /**
   * The version the pin expected is there, but another writer's commit made it (`exactCommit`):
   * no effect of this writer to publish, and not this recovery's to restore.
   */
  | "ForeignAtP1"
  | "UnexpectedMultistep"
  | "IncompletePhaseB";

export type ClassificationMode = "Strict" | "Loose" | "Confirmed";

export type SidecarDecision = "Abort" | "RollBack" | "RollForward";

/**
 * The sidecar version at which a BranchMerge sidecar carries Phase-B confirmation. Fixed at 2,
 * not derived from the current version, so a later bump still reads v2 sidecars as confirmed.
 */
export const CONFIRMATION_SCHEMA_VERSION = 2;

/**
 * Strict for single-commit writers; Loose for writers whose drift is derived state. A
 * BranchMerge sidecar written before confirmation shipped (v1) keeps the loose roll-forward:
 * read strictly, a completed pre-upgrade merge would be rolled back.
 */
export function classificationMode(kind: SidecarKind, schemaVersion: number): ClassificationMode {
  switch (kind) {
    case "Mutation":
    case "Load":
      return "Strict";
    case "BranchMerge":
      return schemaVersion >= CONFIRMATION_SCHEMA_VERSION ? "Confirmed" : "Loose";
    case "SchemaApply":
    case "EnsureIndices":
    case "Optimize":
      return "Loose";
  }
}

export function classifyTable(pin: SidecarTablePin, head: Version, pinned: Version, kind: SidecarKind, schemaVersion: number): TableClassification {
  if (head < pinned) return "InvariantViolation";
  if (head === pinned) return "NoMovement";
  switch (classificationMode(kind, schemaVersion)) {
    case "Strict":
      if (head === pinned + 1) {
        return pin.expected_version === pinned && pin.post_commit_pin === head ? "RolledPastExpected" : "UnexpectedAtP1";
      }
      return "UnexpectedMultistep";
    case "Loose":
      if (pin.expected_version === pinned) return "RolledPastExpected";
      return head === pinned + 1 ? "UnexpectedAtP1" : "UnexpectedMultistep";
    case "Confirmed":
      if (pin.confirmed_version === undefined) return "IncompletePhaseB";
      return pin.confirmed_version === head && pin.expected_version === pinned ? "RolledPastExpected" : "UnexpectedMultistep";
  }
}

export function decide(classes: readonly TableClassification[]): SidecarDecision {
  if (classes.includes("InvariantViolation")) return "Abort";
  if (classes.some((c) => c !== "RolledPastExpected")) return "RollBack";
  return "RollForward";
}
