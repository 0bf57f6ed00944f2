// What a scenario claims, as a checkable statement: its bug, the profile on which it is red,
// the symptom that is this bug and no other (a violation kind plus the facts that identify it),
// the fix flags that close it, and the flags that mask it. The claims suite
// (`scenarios/verify/`, run by `npm test` and by `hunt`) checks every part of every claim.
import type { OmniErrorKind } from "../engine/errors.ts";
import { type FixName, PROFILES, type ProfileName } from "../engine/fixes.ts";
import type { TableKey } from "../engine/storage/types.ts";
import type { OpKind, Violation, ViolationKind } from "../sim/violations.ts";

/**
 * The bug catalog (engine-model section 10.5), the bugs omnisim found beyond it (F1...), and
 * the kernel demo. A new bug gets a new member here and a section in docs/fixes.md.
 */
export type BugId =
  | "B1"
  | "B2"
  | "B2'"
  | "B2''"
  | "B3"
  | "B4"
  | "B5"
  | "B6"
  | "B7"
  | "B8"
  | "B9"
  | "B10"
  | "B11"
  | "#495"
  | "#483"
  | "#291"
  | "#473"
  | "#282"
  | "#345"
  | "#639"
  | "#683"
  | "#514"
  | "F1"
  | "F2"
  | "F3"
  | "F4"
  | "F5"
  | "F6"
  | "F7"
  | "F8"
  | "F9"
  | "F10"
  | "F11"
  | "F14"
  | "G1"
  | "G5"
  | "G6"
  | "demo";

/**
 * A violation that is this bug. Every field given must match; `actor` matches the actor's role
 * (its name starts with it: `open-` matches `open-1` and `open-2`).
 */
export interface Symptom {
  readonly kind: ViolationKind;
  /** An engine error kind, or `StorageError` for a raw storage error that escaped the engine. */
  readonly errorKind?: OmniErrorKind | "StorageError";
  readonly opKind?: OpKind;
  readonly actor?: string;
  readonly table?: TableKey;
  /**
   * The symptom is this bug only in a universe that shows none of these: a twin bug with the
   * same first symptom leaves one of them behind (B1's lost roll-forward leaves no drift; the
   * lost roll-back does).
   */
  readonly unless?: readonly ViolationKind[];
  /**
   * The symptom is this bug only in a universe that also shows one of these: a consequence of
   * the bug that another bug can also produce, told apart by what this one leaves behind.
   */
  readonly alongside?: readonly ViolationKind[];
}

/** Flags that hide the bug although they do not fix it, and why. */
export interface Mask {
  readonly flags: readonly [FixName, ...FixName[]];
  readonly why: string;
}

export interface BugClaim {
  readonly kind: "bug";
  readonly bug: BugId;
  /** The profile on which both forms are red. */
  readonly redProfile: Exclude<ProfileName, "fixed">;
  /** Each is this bug; a violation matching none of them is another bug found on the way. */
  readonly symptoms: readonly [Symptom, ...Symptom[]];
  /** Red profile plus these is green; `fixed` without them is red. */
  readonly closedBy: readonly [FixName, ...FixName[]];
  /** `fixed` without the closing flags is red only once these are off too. */
  readonly masks?: readonly Mask[];
}

/** A scenario that must stay green on every profile (the B4 control: a stale write must fail). */
export interface ControlClaim {
  readonly kind: "control";
  readonly of: BugId;
  readonly why: string;
}

/** No bug named: judged by the oracles alone; any violation on `redProfile` is a finding. */
export interface WorkloadClaim {
  readonly kind: "workload";
  readonly redProfile: Exclude<ProfileName, "fixed">;
}

export type ScenarioClaim = BugClaim | ControlClaim | WorkloadClaim;

/** Whether `v`, one of a universe's `all` violations, is (one form of) the claimed bug. */
export function showsSymptom(v: Violation, s: Symptom, all: readonly Violation[] = [v]): boolean {
  return (
    v.kind === s.kind &&
    !(s.unless ?? []).some((k) => all.some((w) => w.kind === k)) &&
    (s.alongside === undefined || s.alongside.some((k) => all.some((w) => w.kind === k))) &&
    (s.errorKind === undefined || v.errorKind === s.errorKind) &&
    (s.opKind === undefined || v.op?.kind === s.opKind) &&
    (s.actor === undefined || (v.op?.actor ?? "").startsWith(s.actor)) &&
    (s.table === undefined || v.table === s.table)
  );
}

/** Whether `v`, one of a universe's `all` violations, is this scenario's own finding (a workload's: any). */
export function isClaimed(claim: ScenarioClaim, v: Violation, all: readonly Violation[] = [v]): boolean {
  switch (claim.kind) {
    case "bug":
      return claim.symptoms.some((s) => showsSymptom(v, s, all));
    case "workload":
      return true;
    case "control":
      return false;
  }
}

/** The profile on which the scenario is expected red; null for a control. */
export function redProfileOf(claim: ScenarioClaim): Exclude<ProfileName, "fixed"> | null {
  return claim.kind === "control" ? null : claim.redProfile;
}

/** The bug's label for tables: `B1`, `B4 control`, `none`. */
export function bugLabel(claim: ScenarioClaim): string {
  return claim.kind === "bug" ? claim.bug : claim.kind === "control" ? `${claim.of} control` : "none";
}

/** The value of `flag` that closes its bug: a `regress…` flag re-opens a fix, so it closes when off. */
export function closingValue(flag: FixName): boolean {
  return !flag.startsWith("regress");
}

/** Whether `upstream` lacks a flag that closes the bug: then upstream is expected red. */
export function redOnUpstream(claim: BugClaim): boolean {
  return claim.closedBy.some((f) => PROFILES.upstream[f] !== closingValue(f));
}

/** One line per symptom, for tables and failures: `open-failed (ExpectedVersionMismatch, open by open-)`. */
export function describeSymptom(s: Symptom): string {
  const who = s.opKind ? `${s.opKind}${s.actor ? ` by ${s.actor}*` : ""}` : s.actor ? `by ${s.actor}*` : undefined;
  const facts = [s.errorKind, who, s.table, s.unless && `unless ${s.unless.join(", ")}`, s.alongside && `with ${s.alongside.join(" or ")}`].filter(Boolean);
  return facts.length ? `${s.kind} (${facts.join(", ")})` : s.kind;
}
