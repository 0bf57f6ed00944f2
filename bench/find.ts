// Time to first failure: for every red scenario and every strategy, universes and milliseconds
// until the first universe that shows the scenario's own symptom (another bug found on the way
// does not count), from each of 20 base seeds, capped. Exhaustive search runs from a few base
// seeds only: its schedules do not depend on the seed (only ids and times do).
import { performance } from "node:perf_hooks";
import { PROFILES } from "../engine/fixes.ts";
import { SCENARIOS } from "../scenarios/registry.ts";
import { formSpec, type Scenario } from "../scenarios/types.ts";
import { exploreSchedules } from "../sim/strategies/dfs-search.ts";
import { estimatePctBounds } from "../sim/strategies/pct-bounds.ts";
import { PctStrategy } from "../sim/strategies/pct.ts";
import { portfolio } from "../sim/strategies/portfolio.ts";
import { randomStrategy, runUniverse, type StrategyFactory, type UniverseResult } from "../sim/universe.ts";
import { median, round, table } from "./table.ts";

export interface FindRow {
  readonly scenario: string;
  readonly bug: string;
  readonly profile: string;
  readonly strategy: string;
  readonly bases: number;
  /** Base seeds whose search found the symptom within the cap. */
  readonly found: number;
  readonly cap: number;
  /** Over the searches that found it; null when none did. */
  readonly medianUniverses: number | null;
  readonly worstUniverses: number | null;
  readonly medianMs: number | null;
  readonly worstMs: number | null;
}

const BASE_STRIDE = 1_000_003;

function isSymptom(s: Scenario, r: UniverseResult): boolean {
  const kind = r.violations[0]?.kind;
  return kind !== undefined && (s.symptoms.length === 0 || s.symptoms.includes(kind));
}

async function seeded(s: Scenario, forSeed: (seed: number) => StrategyFactory, base: number, cap: number): Promise<{ n: number; ms: number } | null> {
  const spec = formSpec(s, "searched");
  const fixes = PROFILES[s.redProfile!];
  const started = performance.now();
  for (let i = 0; i < cap; i++) {
    const seed = base * BASE_STRIDE + i;
    const r = await runUniverse({ spec, seed, fixes, strategy: forSeed(seed) });
    if (isSymptom(s, r)) return { n: i + 1, ms: performance.now() - started };
  }
  return null;
}

async function exhaustive(s: Scenario, base: number, cap: number): Promise<{ n: number; ms: number } | null> {
  const started = performance.now();
  let hit: number | null = null;
  await exploreSchedules({
    spec: formSpec(s, "searched"),
    fixes: PROFILES[s.redProfile!],
    seed: base,
    maxUniverses: cap,
    keepGoing: true,
    onUniverse: (r, i) => {
      if (hit === null && isSymptom(s, r)) hit = i + 1;
    },
    stopAfter: (r) => isSymptom(s, r),
  });
  return hit === null ? null : { n: hit, ms: performance.now() - started };
}

export async function benchFind(options: { quick: boolean }): Promise<{ rows: FindRow[]; lines: string[] }> {
  const bases = options.quick ? 3 : 20;
  const cap = options.quick ? 60 : 200;
  const dfsBases = options.quick ? 1 : 3;
  const rows: FindRow[] = [];
  for (const s of SCENARIOS) {
    if (!s.redProfile || s.redProfile === "fixed") continue;
    const bounds = await estimatePctBounds(formSpec(s, "searched"), PROFILES[s.redProfile]);
    const pct = (d: number) => () => ((seeds) => new PctStrategy(seeds.prng(), { depth: d, stepBound: bounds.stepBound })) as StrategyFactory;
    const strategies: [string, (seed: number) => StrategyFactory][] = [
      ["random", () => randomStrategy],
      ["pct:d=1", pct(1)],
      ["pct:d=2", pct(2)],
      ["pct:d=3", pct(3)],
      ["portfolio", portfolio(bounds.stepBound)],
    ];
    const summarize = (strategy: string, n: number, results: ({ n: number; ms: number } | null)[]): FindRow => {
      const hits = results.filter((r): r is { n: number; ms: number } => r !== null);
      return {
        scenario: s.name,
        bug: s.bug,
        profile: s.redProfile!,
        strategy,
        bases: n,
        found: hits.length,
        cap,
        medianUniverses: hits.length ? median(hits.map((h) => h.n)) : null,
        worstUniverses: hits.length ? Math.max(...hits.map((h) => h.n)) : null,
        medianMs: hits.length ? round(median(hits.map((h) => h.ms)), 1) : null,
        worstMs: hits.length ? round(Math.max(...hits.map((h) => h.ms)), 1) : null,
      };
    };
    for (const [name, forSeed] of strategies) {
      const results = [];
      for (let b = 1; b <= bases; b++) results.push(await seeded(s, forSeed, b, cap));
      rows.push(summarize(name, bases, results));
    }
    const dfs = [];
    for (let b = 1; b <= dfsBases; b++) dfs.push(await exhaustive(s, b, cap));
    rows.push(summarize("dfs:p=2", dfsBases, dfs));
  }
  const cell = (r: FindRow, a: number | null, b: number | null) =>
    r.found === 0 ? `>${r.cap}` : `${a} / ${b}${r.found < r.bases ? ` (${r.bases - r.found} >${r.cap})` : ""}`;
  const lines = [
    `Universes to the first failure with the scenario's symptom (median / worst over ${bases} base seeds, cap ${cap}; dfs: ${dfsBases} base seed(s))`,
    ...table(
      ["scenario", "bug", "profile", "strategy", "found", "universes", "ms"],
      rows.map((r) => [r.scenario, r.bug, r.profile, r.strategy, `${r.found}/${r.bases}`, cell(r, r.medianUniverses, r.worstUniverses), cell(r, r.medianMs, r.worstMs)]),
    ),
  ];
  return { rows, lines };
}
