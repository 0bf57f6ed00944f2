import { redProfileOf } from "../scenarios/claims.ts";
// Shrinking: for every red scenario, the first failure a random search finds from seed 1,
// shrunk with the default replay budget: tape length before and after, replays and seconds.
import { performance } from "node:perf_hooks";
import { PROFILES } from "../engine/fixes.ts";
import { SCENARIOS } from "../scenarios/registry.ts";
import { formSpec } from "../scenarios/types.ts";
import { searchSeeds } from "../sim/search.ts";
import { shrinkTape } from "../sim/shrink/shrink.ts";
import { round, table } from "./table.ts";

export interface ShrinkRow {
  readonly scenario: string;
  readonly seed: number;
  readonly violation: string;
  readonly before: number;
  readonly after: number;
  readonly replays: number;
  readonly budgetSpent: boolean;
  readonly seconds: number;
}

export async function benchShrink(options: { quick: boolean }): Promise<{ rows: ShrinkRow[]; lines: string[] }> {
  const rows: ShrinkRow[] = [];
  for (const s of SCENARIOS) {
    const red = redProfileOf(s.claim);
    if (!red) continue;
    const spec = formSpec(s, "searched");
    const fixes = PROFILES[red];
    const found = await searchSeeds({ spec, fixes, fromSeed: 1, universes: 500 });
    const f = found.firstFailure;
    if (!f) continue;
    const started = performance.now();
    const r = await shrinkTape({ spec, fixes, seed: f.seed, tape: f.tape, ...(options.quick ? { maxReplays: 200 } : {}) });
    rows.push({
      scenario: s.name,
      seed: f.seed,
      violation: r.kind,
      before: r.before,
      after: r.after,
      replays: r.replays,
      budgetSpent: r.budgetSpent,
      seconds: round((performance.now() - started) / 1000, 2),
    });
  }
  const lines = [
    "Shrinking (the first random failure from seed 1 of each red scenario)",
    ...table(
      ["scenario", "seed", "violation", "tape before", "after", "replays", "s"],
      rows.map((r) => [r.scenario, String(r.seed), r.violation, String(r.before), String(r.after), `${r.replays}${r.budgetSpent ? " (budget)" : ""}`, r.seconds.toFixed(2)]),
    ),
  ];
  return { rows, lines };
}
