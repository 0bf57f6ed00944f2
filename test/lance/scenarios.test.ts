// Every scripted scenario, on its red profile and on `fixed`, once on the virtual store and
// once on real Lance: the same verdict, the same violations, the same operations with the same
// outcomes, the same storage calls and manifest versions, and the trace itself as close as the
// two backends allow (trace-compare.ts; docs/fidelity.md, "Replaying scenarios on Lance").
import { redProfileOf } from "../../scenarios/claims.ts";
import { expect, test } from "vitest";
import { PROFILES, type ProfileName } from "../../engine/fixes.ts";
import { SCENARIOS } from "../../scenarios/registry.ts";
import { formSpec } from "../../scenarios/types.ts";
import { lanceBackendFactory } from "../../sim/backends.ts";
import { runUniverse } from "../../sim/universe.ts";
import { type Agreement, compareTraces, manifestVersions, operations, storageCallShapes } from "./trace-compare.ts";

/**
 * Where the trace hashes cannot match, the level at which the traces do agree, and why. Every
 * other scripted universe must give the very same trace hash on both backends.
 */
const EXPECTED: Readonly<Record<string, Agreement | "calls">> = {
  // The model compacts as upstream's Lance does with stable row ids (ReserveFragments then
  // Rewrite, +2) and merges the indexed fragment with the unindexed one; LanceDB keeps them
  // apart and commits one version: later dataset versions are numbered differently, which the
  // "versions" level renames (violations compare by their facts, not their texts, which quote
  // versions) (divergences 1 and 2).
  "strict-write-after-optimize/seed": "versions",
  "sweep-discards-live-sidecar/seed": "versions",
  // Both compact with ReserveFragments + Rewrite, but later versions are numbered differently
  // (divergence 1). On `fixed` the compactions agree to the hash.
  "optimize-vs-write/regress-297": "versions",
};

/** Scripted universes whose violations differ on Lance, and why; each must still differ. */
const DIVERGENT: Readonly<Record<string, string>> = {
  "merge-false-conflict/seed": "a merge-insert on a fork of a fork fails on Lance: Lance looks for an index the fork inherited from further up under the intermediate branch's tree (\`tree/<branch>/_indices/...\`: not found), a Lance bug; the model reads the index (docs/fidelity.md, divergence 14)",
};

const lance = lanceBackendFactory();

/**
 * Scripted forms on Lance: all but those of scenarios about storage faults, whose scripts strike
 * a call through the fault layer, which only the virtual store has (`sim/faults/scripted.ts`).
 */
const ON_LANCE = SCENARIOS.filter((s) => s.scripted && !s.storageFaults?.length);

for (const scenario of ON_LANCE) {
  const red = redProfileOf(scenario.claim);
  const profiles: ProfileName[] = red ? [red, "fixed"] : ["fixed"];
  for (const profile of profiles) {
    const key = `${scenario.name}/${profile}`;
    const expected = EXPECTED[key] ?? "hash";
    test(`${key} scripted on Lance: same verdict, violations, operations, storage calls; trace agrees at ${expected}`, async () => {
      const spec = formSpec(scenario, "scripted");
      const fixes = PROFILES[profile];
      const onModel = await runUniverse({ spec, seed: 1, fixes });
      const onLance = await runUniverse({ spec, seed: 1, fixes, backend: lance });
      if (DIVERGENT[key]) {
        const same = JSON.stringify(onLance.violations.map((v) => v.kind)) === JSON.stringify(onModel.violations.map((v) => v.kind));
        expect(same, `listed as divergent (${DIVERGENT[key]}) but agrees now: remove the entry`).toBe(false);
        return;
      }
      expect(onLance.verdict).toBe(onModel.verdict);
      expect(onModel.verdict).toBe(profile === "fixed" ? "pass" : "fail");
      expect(onLance.violations.map((v) => v.kind)).toEqual(onModel.violations.map((v) => v.kind));
      expect(operations(onLance.trace)).toEqual(operations(onModel.trace));
      expect(storageCallShapes(onLance.trace)).toEqual(storageCallShapes(onModel.trace));
      expect(manifestVersions(onLance.trace)).toEqual(manifestVersions(onModel.trace));
      const comparison = compareTraces(onModel.trace, onLance.trace);
      expect(comparison.agreement, JSON.stringify(comparison.differences, null, 1)).toBe(expected === "calls" ? null : expected);
      if (expected === "hash") expect(onLance.traceHash).toBe(onModel.traceHash);
    });
  }
}

test("every divergence listed above belongs to a scripted universe", () => {
  const keys = ON_LANCE.flatMap((s) =>
    (redProfileOf(s.claim) ? [redProfileOf(s.claim)!, "fixed"] : ["fixed"]).map((p) => `${s.name}/${p}`),
  );
  expect(Object.keys(EXPECTED).filter((k) => !keys.includes(k))).toEqual([]);
});
