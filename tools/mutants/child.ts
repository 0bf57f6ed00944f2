// The child process of one mutant: run in a patched copy of the tree, so every engine module it
// loads is the mutated one. It runs the default hunt's `fixed` cells (every scenario of the
// registry, searched form, portfolio strategy, seeds 1..budget) and stops at the first universe
// with any violation, or the first harness error: on `fixed` either fails a hunt cell. The
// cells are run round-robin in growing slices of seeds (1-10, 11-100, 101-budget), which
// visits exactly the universes the hunt would and finds most kills in the first slices.
//
// With `--baseline` (the unmutated tree) it runs every universe and reports each that fails; a
// mutant's run then gets those as `--skip scenario:seed,...` and leaves them out, so a cell red
// without any mutant still judges the mutant on all its other universes.
//
// Prints one line `MUTANT-OUTCOME <json>` (a ChildOutcome) on stdout and exits 0; a module that
// does not load (the patch broke the syntax) is reported as `invalid`.
import { performance } from "node:perf_hooks";
import { type ChildOutcome, OUTCOME_MARK, type RedUniverse, segments, slices } from "./outcome.ts";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** `--skip`'s pairs, by scenario. */
function skipped(): Map<string, Set<number>> {
  const skip = new Map<string, Set<number>>();
  for (const pair of arg("--skip")?.split(",").filter(Boolean) ?? []) {
    const at = pair.lastIndexOf(":");
    const name = pair.slice(0, at);
    skip.set(name, (skip.get(name) ?? new Set()).add(Number(pair.slice(at + 1))));
  }
  return skip;
}

async function main(): Promise<ChildOutcome> {
  const budget = Number(arg("--budget"));
  if (!Number.isInteger(budget) || budget < 1) return { kind: "invalid", reason: `bad --budget ${String(arg("--budget"))}` };
  const only = arg("--scenarios")?.split(",").filter(Boolean) ?? null;
  const baseline = process.argv.includes("--baseline");
  const skip = skipped();
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
  const red: RedUniverse[] = [];
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
        for (const [a, b] of segments(from, to, skip.get(c.scenario) ?? new Set())) {
          seed = a;
          const summary = await searchSeeds({
            spec: c.spec,
            fixes,
            fromSeed: a,
            universes: b - a + 1,
            strategyFor: c.strategies.forSeed,
            keepGoing: baseline,
            onUniverse: (r, i) => {
              seed = a + i;
              if (baseline && r.verdict === "fail") red.push({ scenario: c.scenario, seed: r.seed, violation: signatureOf(r.violations[0]!) });
            },
          });
          universes += summary.universes;
          const failed = summary.firstFailure;
          if (failed && !baseline) {
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
    }
  } catch (e) {
    const message = (e as Error).message?.split("\n")[0] ?? String(e);
    if (baseline) return { kind: "invalid", reason: `the unmutated tree fails with a harness error in ${cell} seed ${seed}: ${message}` };
    // A harness error fails the hunt (exit 2): the mutant is killed by it.
    return { kind: "killed", scenario: cell, seed, violation: "harness-error", message, universes, ms: Math.round(performance.now() - started) };
  }
  const ms = Math.round(performance.now() - started);
  return baseline ? { kind: "baseline", universes, cells: scenarios.length, ms, red } : { kind: "survived", universes, cells: scenarios.length, ms };
}

process.stdout.write(`${OUTCOME_MARK}${JSON.stringify(await main())}\n`);
