import { bugLabel, isClaimed, redProfileOf } from "../scenarios/claims.ts";
// Time to first failure: for every red scenario and every strategy, universes and milliseconds
// until the first universe that shows the scenario's own symptom (another bug found on the way
// does not count), from each of 20 base seeds, capped. Medians and worsts are over every base
// seed: a search that missed counts at the cap (shown `>= cap`), never left out. Exhaustive search runs from a few base
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
  /** Over every base seed, a miss counted at the cap (and its time spent reaching it). */
  readonly medianUniverses: number;
  readonly worstUniverses: number;
  readonly medianMs: number;
  readonly worstMs: number;
  /** The median (worst) is a miss: the truth is at least the cap. */
  readonly medianMissed: boolean;
  readonly worstMissed: boolean;
}

/** One search from one base seed: universes run until the symptom, or the cap when it never came. */
interface Search {
  readonly n: number;
  readonly ms: number;
  readonly found: boolean;
}

const BASE_STRIDE = 1_000_003;

function isSymptom(s: Scenario, r: UniverseResult): boolean {
  return r.violations.some((v) => isClaimed(s.claim, v));
}

async function seeded(s: Scenario, forSeed: (seed: number) => StrategyFactory, base: number, cap: number): Promise<Search> {
  const spec = formSpec(s, "searched");
  const fixes = PROFILES[redProfileOf(s.claim)!];
  const started = performance.now();
  for (let i = 0; i < cap; i++) {
    const seed = base * BASE_STRIDE + i;
    const r = await runUniverse({ spec, seed, fixes, strategy: forSeed(seed) });
    if (isSymptom(s, r)) return { n: i + 1, ms: performance.now() - started, found: true };
  }
  return { n: cap, ms: performance.now() - started, found: false };
}

async function exhaustive(s: Scenario, base: number, cap: number): Promise<Search> {
  const started = performance.now();
  let hit: number | null = null;
  await exploreSchedules({
    spec: formSpec(s, "searched"),
    fixes: PROFILES[redProfileOf(s.claim)!],
    seed: base,
    maxUniverses: cap,
    keepGoing: true,
    onUniverse: (r, i) => {
      if (hit === null && isSymptom(s, r)) hit = i + 1;
    },
    stopAfter: (r) => isSymptom(s, r),
  });
  const ms = performance.now() - started;
  return hit === null ? { n: cap, ms, found: false } : { n: hit, ms, found: true };
}

export async function benchFind(options: { quick: boolean }): Promise<{ rows: FindRow[]; lines: string[] }> {
  const bases = options.quick ? 3 : 20;
  const cap = options.quick ? 60 : 200;
  const dfsBases = options.quick ? 1 : 3;
  const rows: FindRow[] = [];
  for (const s of SCENARIOS) {
    const red = redProfileOf(s.claim);
    if (!red) continue;
    const bounds = await estimatePctBounds(formSpec(s, "searched"), PROFILES[red]);
    const pct = (d: number) => () => ((seeds) => new PctStrategy(seeds.prng(), { depth: d, stepBound: bounds.stepBound })) as StrategyFactory;
    const strategies: [string, (seed: number) => StrategyFactory][] = [
      ["random", () => randomStrategy],
      ["pct:d=1", pct(1)],
      ["pct:d=2", pct(2)],
      ["pct:d=3", pct(3)],
      ["portfolio", portfolio(bounds.stepBound)],
    ];
    const summarize = (strategy: string, n: number, results: readonly Search[]): FindRow => {
      // A miss sorts last among equal counts, so a median or worst that lands on the cap is a miss.
      const byN = [...results].sort((a, b) => a.n - b.n || Number(b.found) - Number(a.found));
      const mid = byN[Math.floor((byN.length - 1) / 2)]!;
      const worst = byN[byN.length - 1]!;
      return {
        scenario: s.name,
        bug: bugLabel(s.claim),
        profile: red,
        strategy,
        bases: n,
        found: results.filter((r) => r.found).length,
        cap,
        medianUniverses: mid.n,
        worstUniverses: worst.n,
        medianMs: round(median(results.map((r) => r.ms)), 1),
        worstMs: round(Math.max(...results.map((r) => r.ms)), 1),
        medianMissed: !mid.found,
        worstMissed: !worst.found,
      };
    };
    for (const [name, forSeed] of strategies) {
      const results: Search[] = [];
      for (let b = 1; b <= bases; b++) results.push(await seeded(s, forSeed, b, cap));
      rows.push(summarize(name, bases, results));
    }
    const dfs: Search[] = [];
    for (let b = 1; b <= dfsBases; b++) dfs.push(await exhaustive(s, b, cap));
    rows.push(summarize("dfs:p=2", dfsBases, dfs));
  }
  const lines = [
    `Universes to the first failure with the scenario's symptom (median / worst over all ${bases} base seeds, a miss counted at the cap ${cap}; dfs: ${dfsBases} base seed(s))`,
    ...table(
      ["scenario", "bug", "profile", "strategy", "found", "universes", "ms"],
      rows.map((r) => [r.scenario, r.bug, r.profile, r.strategy, `${r.found}/${r.bases}`, findCell(r), `${r.medianMs} / ${r.worstMs}`]),
    ),
  ];
  return { rows, lines };
}

/** `median / worst`, each `>= cap` where it is a miss. */
export function findCell(r: Pick<FindRow, "medianUniverses" | "worstUniverses" | "medianMissed" | "worstMissed" | "cap">): string {
  const v = (n: number, missed: boolean) => (missed ? `>= ${r.cap}` : String(n));
  return `${v(r.medianUniverses, r.medianMissed)} / ${v(r.worstUniverses, r.worstMissed)}`;
}
