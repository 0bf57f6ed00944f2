// The child process of one mutant: run in a patched copy of the tree, so every engine module it
// loads is the mutated one. It runs the default hunt's `fixed` cells (every scenario of the
// registry, searched form, portfolio strategy, seeds 1..budget) and stops at the first universe
// with any violation, or the first harness error: on `fixed` either fails a hunt cell. The
// cells are run round-robin in growing slices of seeds (1-10, 11-100, 101-budget), which
// visits exactly the universes the hunt would and finds most kills in the first slices.
//
// Prints one line `MUTANT-OUTCOME <json>` (a ChildOutcome) on stdout and exits 0; a module that
// does not load (the patch broke the syntax) is reported as `invalid`.
import { performance } from "node:perf_hooks";
import { type ChildOutcome, OUTCOME_MARK, slices } from "./outcome.ts";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<ChildOutcome> {
  const budget = Number(arg("--budget"));
  if (!Number.isInteger(budget) || budget < 1) return { kind: "invalid", reason: `bad --budget ${String(arg("--budget"))}` };
  const only = arg("--scenarios")?.split(",").filter(Boolean) ?? null;
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
    ]);
  } catch (e) {
    return { kind: "invalid", reason: `the mutated tree does not load: ${(e as Error).message.split("\n")[0]}` };
  }
  const [{ SCENARIOS }, { formSpec }, { PROFILES }, { seededStrategies }, { searchSeeds }, { signatureOf }] = modules;
  const fixes = PROFILES.fixed;
  const scenarios = only ? SCENARIOS.filter((s) => only.includes(s.name)) : SCENARIOS;
  let universes = 0;
  let cell = "";
  let seed = 0;
  try {
    const cells = [];
    for (const s of scenarios) {
      cell = s.name;
      const spec = formSpec(s, "searched");
      cells.push({ scenario: s.name, spec, strategies: await seededStrategies({ name: "portfolio" }, spec, fixes) });
    }
    for (const [from, to] of slices(budget)) {
      for (const c of cells) {
        cell = c.scenario;
        seed = from;
        const summary = await searchSeeds({
          spec: c.spec,
          fixes,
          fromSeed: from,
          universes: to - from + 1,
          strategyFor: c.strategies.forSeed,
          keepGoing: false,
          onUniverse: (_r, i) => {
            seed = from + i;
          },
        });
        universes += summary.universes;
        const failed = summary.firstFailure;
        if (failed) {
          const v = failed.violations[0]!;
          return {
            kind: "killed",
            scenario: c.scenario,
            seed: failed.seed,
            violation: signatureOf(v),
            message: v.message,
            universes,
            ms: Math.round(performance.now() - started),
          };
        }
      }
    }
  } catch (e) {
    // A harness error fails the hunt (exit 2): the mutant is killed by it.
    return {
      kind: "killed",
      scenario: cell,
      seed,
      violation: "harness-error",
      message: (e as Error).message?.split("\n")[0] ?? String(e),
      universes,
      ms: Math.round(performance.now() - started),
    };
  }
  return { kind: "survived", universes, cells: scenarios.length, ms: Math.round(performance.now() - started) };
}

process.stdout.write(`${OUTCOME_MARK}${JSON.stringify(await main())}\n`);
