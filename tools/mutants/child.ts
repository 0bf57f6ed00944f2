// The child process of one mutant: run in a patched copy of the tree, so every engine module it
// loads is the mutated one. It runs the default hunt's cells (every scenario of the registry on
// the hunt's default profiles: a bug on its red profile, `upstream` and `fixed`; searched form,
// portfolio strategy, seeds 1..budget; with `--fixed-only`, the `fixed` cells alone) and stops
// at the first universe with a violation that fails its cell as the hunt judges one
// (`failsCell`: on `fixed` any violation; elsewhere a bug no scenario claims as open there), or
// at the first harness error. The cells are run round-robin in growing slices of seeds (1-10,
// 11-100, 101-budget), which visits exactly the universes the hunt would and finds most kills in
// the first slices. A kill is judged universe by universe: a cell the mutant turns from red to
// green over its whole budget is not counted (the rate is a lower bound).
//
// With `--baseline` (the unmutated tree) it runs every universe and reports each that fails its
// cell; a mutant's run then gets those in a file (`--skip-from`) and leaves them out, so a cell
// red without any mutant still judges the mutant on all its other universes; and a failure of a
// shape the unmutated tree already shows in that cell is not counted against the mutant (a
// mutant that only moves a schedule can expose a known failure in another universe).
//
// Prints one line `MUTANT-OUTCOME <json>` (a ChildOutcome) on stdout and exits 0; a module that
// does not load (the patch broke the syntax) is reported as `invalid`.
import { performance } from "node:perf_hooks";
import type { Violation } from "../../sim/violations.ts";
import { readFileSync } from "node:fs";
import { cellKey, type ChildOutcome, OUTCOME_MARK, type RedUniverse, segments, shapeOf, slices } from "./outcome.ts";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The unmutated tree's red universes (`--skip-from`), by cell (`scenario@profile`): their seeds, and the shapes of their failures. */
function baselineRed(): { seeds: Map<string, Set<number>>; shapes: Map<string, Set<string>> } {
  const file = arg("--skip-from");
  const red = file ? (JSON.parse(readFileSync(file, "utf8")) as RedUniverse[]) : [];
  const seeds = new Map<string, Set<number>>();
  const shapes = new Map<string, Set<string>>();
  for (const r of red) {
    const key = cellKey(r.scenario, r.profile ?? "fixed");
    seeds.set(key, (seeds.get(key) ?? new Set()).add(r.seed));
    for (const sh of r.shapes ?? []) shapes.set(key, (shapes.get(key) ?? new Set()).add(sh));
  }
  return { seeds, shapes };
}

async function main(): Promise<ChildOutcome> {
  const budget = Number(arg("--budget"));
  if (!Number.isInteger(budget) || budget < 1) return { kind: "invalid", reason: `bad --budget ${String(arg("--budget"))}` };
  const only = arg("--scenarios")?.split(",").filter(Boolean) ?? null;
  const baseline = process.argv.includes("--baseline");
  const known = baselineRed();
  const started = performance.now();
  let modules;
  try {
    modules = await Promise.all([
      import("../../scenarios/registry.ts"),
      import("../../scenarios/types.ts"),
      import("../../engine/fixes.ts"),
      import("../../cli/strategies.ts"),
      import("../../sim/search.ts"),
      import("../../sim/violations.ts"),
      import("../../scenarios/verify/hunt-cells.ts"),
    ]);
  } catch (e) {
    return { kind: "invalid", reason: `the mutated tree does not load: ${(e as Error).message.split("\n")[0]}` };
  }
  const [{ SCENARIOS }, { formSpec }, { PROFILES }, { seededStrategies }, { searchSeeds }, { signatureOf }, { defaultHuntProfiles, expectOn, failsCell }] = modules;
  const fixedOnly = process.argv.includes("--fixed-only");
  // `--profiles a,b`: only the default hunt's cells on these profiles (a confirmation run of one cell).
  const profiles = arg("--profiles")?.split(",").filter(Boolean) ?? null;
  const scenarios = only ? SCENARIOS.filter((s) => only.includes(s.name)) : SCENARIOS;
  const red: RedUniverse[] = [];
  let cellCount = 0;
  let universes = 0;
  let cell = "";
  let seed = 0;
  try {
    const cells = [];
    for (const s of scenarios) {
      const spec = formSpec(s, "searched");
      for (const profile of fixedOnly ? (["fixed"] as const) : defaultHuntProfiles(s.claim)) {
        if (profiles && !profiles.includes(profile)) continue;
        cell = cellKey(s.name, profile);
        const fixes = PROFILES[profile];
        const expect = expectOn(s.claim, profile);
        const seen = known.shapes.get(cellKey(s.name, profile)) ?? new Set<string>();
        // In a mutant's run, a failure the unmutated tree already shows in this cell does not count.
        const fails = (v: Violation, all: readonly Violation[]) => failsCell(s, expect, fixes, v, all) && (baseline || !seen.has(shapeOf(v)));
        cells.push({ scenario: s.name, profile, fixes, spec, fails, strategies: await seededStrategies({ name: "portfolio" }, spec, fixes) });
      }
    }
    cellCount = cells.length;
    if (cellCount === 0) return { kind: "invalid", reason: `no cell of the default hunt matches ${only?.join(",") ?? "every scenario"} on ${profiles?.join(",") ?? "its profiles"}` };
    for (const [from, to] of slices(budget)) {
      for (const c of cells) {
        cell = cellKey(c.scenario, c.profile);
        for (const [a, b] of segments(from, to, known.seeds.get(cell) ?? new Set())) {
          seed = a;
          let killer: { seed: number; v: Violation } | null = null;
          const summary = await searchSeeds({
            spec: c.spec,
            fixes: c.fixes,
            fromSeed: a,
            universes: b - a + 1,
            strategyFor: c.strategies.forSeed,
            // The search goes on past a universe whose violations all leave the cell standing
            // (another scenario's open bug, or the cell's own on a red cell); the checkpoint
            // stops it at the first that fails the cell.
            keepGoing: true,
            onUniverse: (r, i) => {
              seed = a + i;
              const failing = r.violations.filter((x) => c.fails(x, r.violations));
              const v = failing[0];
              if (!v) return;
              if (baseline) red.push({ scenario: c.scenario, profile: c.profile, seed: r.seed, violation: signatureOf(v), shapes: [...new Set(failing.map(shapeOf))] });
              else killer ??= { seed: r.seed, v };
            },
            checkpoint: async () => killer !== null,
          });
          universes += summary.universes;
          const k = killer as { seed: number; v: Violation } | null;
          if (k && !baseline) {
            return {
              kind: "killed",
              scenario: c.scenario,
              profile: c.profile,
              seed: k.seed,
              violation: signatureOf(k.v),
              message: k.v.message,
              universes,
              ms: Math.round(performance.now() - started),
            };
          }
        }
      }
    }
  } catch (e) {
    const message = (e as Error).message?.split("\n")[0] ?? String(e);
    if (baseline) return { kind: "invalid", reason: `the unmutated tree fails with a harness error in ${cell} seed ${seed}: ${message}` };
    // A harness error fails the hunt (exit 2): the mutant is killed by it.
    const [scenario, profile] = cell.split("@") as [string, string];
    return { kind: "killed", scenario, profile, seed, violation: "harness-error", message, universes, ms: Math.round(performance.now() - started) };
  }
  const ms = Math.round(performance.now() - started);
  return baseline ? { kind: "baseline", universes, cells: cellCount, ms, red } : { kind: "survived", universes, cells: cellCount, ms };
}

process.stdout.write(`${OUTCOME_MARK}${JSON.stringify(await main())}\n`);
