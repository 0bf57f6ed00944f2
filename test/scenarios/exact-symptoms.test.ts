// The exact symptoms of the seed's two flagship bugs, beyond what a claim's symptom matches on:
// the versions in B1's error, the count in B2's.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { SCENARIOS } from "../../scenarios/registry.ts";
import { formSpec } from "../../scenarios/types.ts";
import { runUniverse } from "../../sim/universe.ts";

// schema-contract-read-race (G5) has none: its window lies between three reads of one
// validation, where no failpoint sits (its scenario file says why no script can reach it).
test("every engine scenario but the random workloads (schema-apply-pauses among them) and G5's has a scripted form", () => {
  expect(SCENARIOS.filter((s) => !s.scripted && s.probe).map((s) => s.name)).toEqual(["schema-contract-read-race", "schema-read-race-across-processes", "random-workload", "random-workload-branches", "random-workload-pauses", "schema-apply-pauses"]);
});

test("B1 scripted shows the exact symptom: the open fails with ExpectedVersionMismatch{node:Person, 1, 2}", async () => {
  const s = SCENARIOS.find((x) => x.name === "open-sweep-cas-race")!;
  const r = await runUniverse({ spec: formSpec(s, "scripted"), seed: 1, fixes: PROFILES.seed });
  const failed = r.trace.events().find((e) => e.e === "op" && String(e.label).startsWith("open open-1"));
  expect(failed).toMatchObject({ status: "err", error: "ExpectedVersionMismatch" });
  expect(r.violations[0]).toMatchObject({ kind: "open-failed", errorKind: "ExpectedVersionMismatch", table: "node:Person", op: { kind: "open", actor: "open-1" } });
  expect(r.violations[0]!.message).toContain("expected manifest table version 1 but current is 2");
});

test("B2 scripted shows the exact symptom: two WorksAt edges for Alice under @card(0..1)", async () => {
  const s = SCENARIOS.find((x) => x.name === "card-stale-handle")!;
  const r = await runUniverse({ spec: formSpec(s, "scripted"), seed: 1, fixes: PROFILES["regress-298"] });
  expect(r.violations[0]).toMatchObject({ kind: "card-violated", table: "edge:WorksAt", details: { edge: "WorksAt", source: "Alice", count: 2 } });
});
