// Every bug's scripted form: red on its red profile with the bug's own symptom, green on fixed.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { SCENARIOS } from "../../scenarios/registry.ts";
import { formSpec } from "../../scenarios/types.ts";
import { runUniverse } from "../../sim/universe.ts";

const scripted = SCENARIOS.filter((s) => s.scripted);

test("every engine scenario has a scripted form", () => {
  expect(SCENARIOS.filter((s) => !s.scripted && s.probe).map((s) => s.name)).toEqual(["random-workload"]);
});

for (const s of scripted) {
  if (s.redProfile) {
    test(`${s.name} (${s.bug}) scripted is red on ${s.redProfile} with its symptom`, async () => {
      const r = await runUniverse({ spec: formSpec(s, "scripted"), seed: 1, fixes: PROFILES[s.redProfile!] });
      expect(r.verdict).toBe("fail");
      expect(s.symptoms).toContain(r.violations[0]!.kind);
    });
  }
  test(`${s.name} (${s.bug}) scripted is green on fixed`, async () => {
    const r = await runUniverse({ spec: formSpec(s, "scripted"), seed: 1, fixes: PROFILES.fixed });
    expect(r.violations).toEqual([]);
  });
}

test("B1 scripted shows the exact symptom: the open fails with ExpectedVersionMismatch{node:Person, 1, 2}", async () => {
  const s = SCENARIOS.find((x) => x.name === "open-sweep-cas-race")!;
  const r = await runUniverse({ spec: formSpec(s, "scripted"), seed: 1, fixes: PROFILES.seed });
  const failed = r.trace.events().find((e) => e.e === "op" && String(e.label).startsWith("open open-1"));
  expect(failed).toMatchObject({ status: "err", error: "ExpectedVersionMismatch" });
  expect(r.violations[0]!.message).toContain("expected manifest table version 1 but current is 2");
});

test("B2 scripted shows the exact symptom: two WorksAt edges for Alice under @card(0..1)", async () => {
  const s = SCENARIOS.find((x) => x.name === "card-stale-handle")!;
  const r = await runUniverse({ spec: formSpec(s, "scripted"), seed: 1, fixes: PROFILES["regress-298"] });
  expect(r.violations[0]).toMatchObject({ kind: "card-violated", details: { edge: "WorksAt", source: "Alice", count: 2 } });
});
