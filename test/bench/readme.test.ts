// The README's benchmark tables are rendered from bench/results.json, never typed by hand.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { regenerated, renderBenchmarks } from "../../bench/readme.ts";

const root = join(import.meta.dirname, "..", "..");

test("README.md's benchmark tables are those of the committed results (npm run bench:readme)", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  expect(regenerated(readme, join(root, "bench"))).toBe(readme);
});

test("a search that missed shows at the cap, never left out of the median", () => {
  const row = { scenario: "s", bug: "B", profile: "seed", strategy: "random", bases: 3, found: 1, cap: 200, medianUniverses: 200, worstUniverses: 200, medianMs: 1, worstMs: 2, medianMissed: true, worstMissed: true };
  const text = renderBenchmarks({ find: [row] }, null);
  expect(text).toContain("| `s` | B | >= 200 / >= 200 |");
});

test("crash-state figures render with the command that measures them, states per universe and per second", () => {
  const crashes = { scenario: "random-workload", profile: "fixed", universes: 2, states: 20000, doubleFaults: 18000, distinctStates: 6000, statesPerUniverse: 10000, statesPerSecond: 500, statesPerCpuSecond: 1000, violations: 0 };
  const text = renderBenchmarks({ crashes }, null);
  expect(text).toContain("`npx omnisim crashes random-workload --profile fixed --seeds 2`");
  expect(text).toContain("| 2 | 20,000 | 10,000 | 18,000 | 6,000 | 500 | 1,000 | 0 |");
  expect(renderBenchmarks({}, null)).not.toContain("Crash-state enumeration");
});
