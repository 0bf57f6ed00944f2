// The rule the hunt and the mutants run share: which single violation fails a hunt cell.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { type Symptom } from "../../scenarios/claims.ts";
import { findScenario, SCENARIOS } from "../../scenarios/registry.ts";
import type { Scenario } from "../../scenarios/types.ts";
import { defaultHuntProfiles, expectOn, failsCell } from "../../scenarios/verify/hunt-cells.ts";
import type { Violation } from "../../sim/violations.ts";

const named = (name: string): Scenario => SCENARIOS.find((s) => s.name === name)!;

/** A violation that shows `s` (facts left out of the symptom get neutral values). */
function showing(s: Symptom): Violation {
  return {
    kind: s.kind,
    message: "planted",
    ...(s.errorKind ? { errorKind: s.errorKind } : {}),
    ...(s.table ? { table: s.table } : {}),
    ...(s.opKind || s.actor ? { op: { label: "op", kind: s.opKind ?? "mutate", actor: `${s.actor ?? "actor"}-1` } } : {}),
  };
}

const unknown: Violation = { kind: "partial-effect", message: "half a write published" };

test("a bug's own symptom holds its red cell and fails its green ones; an unknown bug fails both", () => {
  const s = named("card-stale-handle");
  if (s.claim.kind !== "bug") throw new Error("card-stale-handle claims a bug");
  const card = showing(s.claim.symptoms[0]);
  expect(defaultHuntProfiles(s.claim)).toEqual(["regress-298", "upstream", "fixed"]);
  expect(expectOn(s.claim, "regress-298")).toBe("red");
  expect(expectOn(s.claim, "fixed")).toBe("green");
  expect(failsCell(s, "red", PROFILES["regress-298"], card, [card])).toBe(false);
  expect(failsCell(s, "red", PROFILES["regress-298"], unknown, [unknown])).toBe(true);
  expect(failsCell(s, "green", PROFILES.fixed, card, [card])).toBe(true);
  expect(failsCell(s, "green", PROFILES.fixed, unknown, [unknown])).toBe(true);
});

test("another scenario's bug, open on the cell's profile, is reported, not held against the cell; on fixed it fails", () => {
  // A bug open on upstream (a finding omnisim made there), seen in some other scenario's upstream cell.
  const open = SCENARIOS.find((t) => t.claim.kind === "bug" && expectOn(t.claim, "upstream") === "red")!;
  if (open.claim.kind !== "bug") throw new Error("unreachable");
  const v = showing(open.claim.symptoms[0]);
  const other = SCENARIOS.find((t) => t !== open && t.claim.kind === "bug" && !t.claim.symptoms.some((x) => x.kind === v.kind))!;
  expect(failsCell(other, expectOn(other.claim, "upstream"), PROFILES.upstream, v, [v])).toBe(false);
  expect(failsCell(other, "green", PROFILES.fixed, v, [v])).toBe(true);
});

test("a control fails on any violation, on every profile", () => {
  const control = SCENARIOS.find((t) => t.claim.kind === "control")!;
  expect(defaultHuntProfiles(control.claim)).toEqual(["seed", "fixed"]);
  // A bug red on upstream itself: two cells, not upstream twice.
  expect(defaultHuntProfiles(findScenario("misdirected-sidecar")!.claim)).toEqual(["upstream", "fixed"]);
  for (const p of defaultHuntProfiles(control.claim)) expect(failsCell(control, expectOn(control.claim, p), PROFILES[p], unknown, [unknown])).toBe(true);
});
