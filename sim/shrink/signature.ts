// A failure's signature: what must stay the same while a tape shrinks. The violation kind alone
// is too coarse: a B1 failure (`open-failed` of an open with ExpectedVersionMismatch) and another
// open failing with HeadBehindManifest share the kind but are different bugs. So the signature
// is the kind, the error kind that caused it, the operation that failed and the role of the
// actor that ran it (the actor's name without its instance number: `open-1` and `open-2` are
// one role, `open`).
import type { UniverseResult } from "../universe.ts";
import type { Violation } from "../violations.ts";

export interface FailureSignature {
  readonly kind: string;
  /** The error the failing operation ended with (`ExpectedVersionMismatch`), if any. */
  readonly errorKind: string | null;
  /** The failing operation, its actor's name replaced by the role and numbers by `#`. */
  readonly operation: string | null;
  /** The role of the actor that ran it. */
  readonly role: string | null;
}

/** `open-1` -> `open`, `writer#2` -> `writer`, `w3` -> `w`. */
export function roleOf(actor: string): string {
  return actor.replace(/#\d+$/, "").replace(/[-_]?\d+$/, "") || actor;
}

/** The signature of a universe's first violation; null for a passing universe. */
export function signatureOf(result: UniverseResult): FailureSignature | null {
  const v = result.violations[0];
  return v ? violationSignature(v) : null;
}

export function violationSignature(v: Violation): FailureSignature {
  const op = v.op ?? null;
  const role = op ? roleOf(op.actor) : null;
  const operation = op ? op.label.split(op.actor).join(role!).replace(/\d+/g, "#") : null;
  return { kind: v.kind, errorKind: v.errorKind ?? null, operation, role };
}

/** Whether any violation of the universe, first or not, has signature `s`. */
export function showsSignature(result: UniverseResult, s: FailureSignature): boolean {
  return result.violations.some((v) => sameSignature(violationSignature(v), s));
}

export function sameSignature(a: FailureSignature | null, b: FailureSignature | null): boolean {
  if (a === null || b === null) return a === b;
  return a.kind === b.kind && a.errorKind === b.errorKind && a.operation === b.operation && a.role === b.role;
}

/** `maintenance-failed (ExpectedVersionMismatch in "optimizer: optimize" by optimizer)`. */
export function describeSignature(s: FailureSignature): string {
  const parts = [s.errorKind, s.operation ? `in "${s.operation}"` : null, s.role ? `by ${s.role}` : null].filter((p) => p !== null);
  return parts.length ? `${s.kind} (${parts.join(" ")})` : s.kind;
}
