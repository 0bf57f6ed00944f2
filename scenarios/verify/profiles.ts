// The profiles a claim is checked on: the red profile with the closing flags, and `fixed`
// without them (and without each declared mask).
import { type Fixes, type FixName, PROFILES } from "../../engine/fixes.ts";
import { type BugClaim, closingValue } from "../claims.ts";

/** `fixes` with every flag in `flags` set to its closing value (`closed`) or its opening one. */
export function withFlags(fixes: Fixes, flags: readonly FixName[], closed: boolean): Fixes {
  const out: Record<FixName, boolean> = { ...fixes };
  for (const f of flags) out[f] = closed === closingValue(f);
  return out;
}

/** A profile label for reports: `seed+fix296`, `fixed-ownerLease-fix296`. */
export function flagsLabel(base: string, flags: readonly FixName[], closed: boolean): string {
  return base + flags.map((f) => `${closed ? "+" : "-"}${f}`).join("");
}

/** The red profile plus the closing flags: the claim says green. */
export function closedProfile(claim: BugClaim): { label: string; fixes: Fixes } {
  return { label: flagsLabel(claim.redProfile, claim.closedBy, true), fixes: withFlags(PROFILES[claim.redProfile], claim.closedBy, true) };
}

/** `fixed` without the closing flags (and without `masks`): the claim says red. */
export function openedProfile(claim: BugClaim, masks: readonly FixName[] = []): { label: string; fixes: Fixes } {
  const flags = [...claim.closedBy, ...masks];
  return { label: flagsLabel("fixed", flags, false), fixes: withFlags(PROFILES.fixed, flags, false) };
}
