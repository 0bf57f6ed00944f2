// The classifier (`classify_table`) and the all-or-nothing decision (`decide`): pure
// functions of a pin, the table's Lance HEAD and its manifest pin.
import type { Version } from "../storage/types.ts";
import type { SidecarKind, SidecarTablePin } from "./sidecar.ts";

export type TableClassification =
  | "InvariantViolation"
  | "NoMovement"
  | "RolledPastExpected"
  | "UnexpectedAtP1"
  | "UnexpectedMultistep"
  | "IncompletePhaseB";

export type ClassificationMode = "Strict" | "Loose" | "Confirmed";

export type SidecarDecision = "Abort" | "RollBack" | "RollForward";

/** Strict for single-commit writers; Loose for writers whose drift is derived state. */
export function classificationMode(kind: SidecarKind): ClassificationMode {
  switch (kind) {
    case "Mutation":
    case "Load":
      return "Strict";
    case "BranchMerge":
      return "Confirmed";
    case "SchemaApply":
    case "EnsureIndices":
    case "Optimize":
      return "Loose";
  }
}

export function classifyTable(pin: SidecarTablePin, head: Version, pinned: Version, kind: SidecarKind): TableClassification {
  if (head < pinned) return "InvariantViolation";
  if (head === pinned) return "NoMovement";
  switch (classificationMode(kind)) {
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
