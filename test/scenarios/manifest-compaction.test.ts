// manifest-compaction-vs-publish is a control: green on every profile, because the publisher's
// merge-insert reports the compaction's refusal as TooMuchWriteContention, which it retries.
// It can go red: plant the refusal as a plain retryable conflict and the writer's publish fails.
import { expect, test } from "vitest";
import { type Fixes, PROFILES } from "../../engine/fixes.ts";
import { manifestCompactionVsPublishScenario } from "../../scenarios/manifest-compaction-vs-publish.ts";
import { formSpec } from "../../scenarios/types.ts";
import { runUniverse } from "../../sim/universe.ts";

const run = (planted: boolean, fixes: Fixes = PROFILES.fixed) =>
  runUniverse({ spec: formSpec(manifestCompactionVsPublishScenario({ plantRefusalNotRetried: planted }), "scripted"), seed: 1, fixes });

test("the writer's merge meets the compaction on fixed (head-token and lease rows are rewritten) and retries past it", async () => {
  const r = await run(false);
  expect(r.violations).toEqual([]);
  const contention = r.trace.events().filter((e) => e.e === "io" && e.op === "manifest.merge" && (e as { err?: { kind?: string } }).err?.kind === "TooMuchWriteContention");
  expect(contention.length).toBeGreaterThan(0);
});

test("at the seed publishes only insert rows: the compaction and the merge never meet", async () => {
  const r = await run(false, PROFILES.seed);
  expect(r.violations).toEqual([]);
  expect(r.trace.events().filter((e) => e.e === "io" && e.op === "manifest.merge" && "err" in e)).toEqual([]);
});

test("planted: a refusal the publisher does not retry fails the writer's publish (the control can go red)", async () => {
  const r = await run(true);
  expect(r.verdict).toBe("fail");
});

test("the searched form reaches the window: planted, the search goes red on fixed; unplanted it stays green", async () => {
  const searched = (planted: boolean, seed: number) =>
    runUniverse({ spec: formSpec(manifestCompactionVsPublishScenario({ plantRefusalNotRetried: planted }), "searched"), seed, fixes: PROFILES.fixed });
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);
  const planted = await Promise.all(seeds.map((s) => searched(true, s)));
  expect(planted.some((r) => r.verdict === "fail")).toBe(true);
  for (const s of seeds.slice(0, 10)) expect((await searched(false, s)).violations).toEqual([]);
});
