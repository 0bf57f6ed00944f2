// A universe started from a reused setup is the universe that runs the setup: the same trace
// hash, verdict, violations and steps, for every scenario, both forms, red profile and fixed.
import { afterAll, expect, test } from "vitest";
import { PROFILES, type ProfileName } from "../../engine/fixes.ts";
import { redProfileOf } from "../../scenarios/claims.ts";
import { reuseSetups, setupsReused } from "../../scenarios/kit/setup.ts";
import { SCENARIOS } from "../../scenarios/registry.ts";
import { formSpec, type ScenarioForm } from "../../scenarios/types.ts";
import { runUniverse } from "../../sim/universe.ts";

afterAll(() => reuseSetups(true));

async function outcomes(reuse: boolean): Promise<Map<string, string>> {
  reuseSetups(reuse);
  const out = new Map<string, string>();
  for (const s of SCENARIOS) {
    const profiles = new Set<ProfileName>([redProfileOf(s.claim) ?? "fixed", "fixed"]);
    const forms: ScenarioForm[] = s.scripted ? ["scripted", "searched"] : ["searched"];
    for (const profile of profiles) {
      for (const form of forms) {
        const spec = formSpec(s, form);
        for (let seed = 1; seed <= (form === "scripted" ? 1 : 3); seed++) {
          const r = await runUniverse({ spec, seed, fixes: PROFILES[profile] });
          out.set(`${s.name}/${form}/${profile}/${seed}`, `${r.verdict} ${r.steps} ${r.violations.map((v) => v.kind).join(",")} ${r.traceHash}`);
        }
      }
    }
  }
  return out;
}

test("a reused setup gives the very universe the setup gives", async () => {
  const fresh = await outcomes(false);
  const before = setupsReused();
  const reused = await outcomes(true);
  expect(setupsReused()).toBeGreaterThan(before);
  expect(reused).toEqual(fresh);
}, 300_000);
