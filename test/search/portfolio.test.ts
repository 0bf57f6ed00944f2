// The portfolio: a seed's strategy is a function of the seed; seeds rotate over random and PCT
// at depths 1-3, with swarm knobs drawn per seed.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { findScenario } from "../../scenarios/registry.ts";
import { formSpec } from "../../scenarios/types.ts";
import { searchSeeds } from "../../sim/search.ts";
import { SeedTree } from "../../sim/seed.ts";
import { memberStrategy, portfolio, portfolioMember } from "../../sim/strategies/portfolio.ts";

test("the portfolio rotates random, PCT d=1, d=2, d=3 by seed, with knobs drawn from the seed", () => {
  const members = Array.from({ length: 40 }, (_, seed) => portfolioMember(seed));
  const heads = members.map((m) => (m.kind === "random" ? "random" : `pct${m.depth}`));
  expect(heads.slice(0, 8)).toEqual(["random", "pct1", "pct2", "pct3", "random", "pct1", "pct2", "pct3"]);
  expect(new Set(members.map((m) => m.crashChance)).size).toBeGreaterThan(1);
  expect(new Set(members.map((m) => m.data))).toEqual(new Set(["uniform", "low", "high"]));
  expect(portfolioMember(17)).toEqual(portfolioMember(17));
  const names = [0, 1, 2, 3].map((seed) => memberStrategy(portfolioMember(seed), 20)(SeedTree.root(seed).child("strategy"), {}).name);
  expect(names.map((n) => n.split("+")[0])).toEqual(["random", "pct(d=1)", "pct(d=2)", "pct(d=3)"]);
});

test("a portfolio search replays: the same seeds give the same traces", async () => {
  const s = findScenario("demo-lost-update")!;
  const run = async () => {
    const hashes: string[] = [];
    await searchSeeds({
      spec: formSpec(s, "searched"),
      fixes: PROFILES.seed,
      fromSeed: 1,
      universes: 12,
      keepGoing: true,
      strategyFor: portfolio(5),
      onUniverse: (r) => hashes.push(r.traceHash),
    });
    return hashes;
  };
  const a = await run();
  expect(await run()).toEqual(a);
  expect(new Set(a).size).toBeGreaterThan(1);
});
