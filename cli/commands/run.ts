// `omnisim run <scenario>`: universes from seed S upward; exit 0 when no oracle fired, 1 when
// one did.
import { performance } from "node:perf_hooks";
import { formSpec } from "../../scenarios/types.ts";
import { searchSeeds } from "../../sim/search.ts";
import { parseCount, parseSeed, resolveProfile, resolveScenario, UsageError } from "../args.ts";
import { replayCommand } from "../replay-command.ts";
import { parseStrategy, strategyFor } from "../strategies.ts";

export interface RunFlags {
  profile?: string;
  fix?: string[];
  seeds?: string;
  seed?: string;
  strategy?: string;
  json?: boolean;
  keepGoing?: boolean;
}

export async function runCommand(name: string, flags: RunFlags): Promise<number> {
  const scenario = resolveScenario(name);
  const profile = resolveProfile(flags.profile ?? scenario.redProfile ?? "seed", flags.fix);
  if (flags.seeds !== undefined && flags.seed !== undefined) throw new UsageError("give --seeds N or --seed S, not both");
  const fromSeed = flags.seed !== undefined ? parseSeed(flags.seed) : 1;
  const universes = flags.seeds !== undefined ? parseCount(flags.seeds, "--seeds") : 1;
  const strategy = parseStrategy(flags.strategy ?? "random");
  const started = performance.now();
  const summary = await searchSeeds({
    spec: formSpec(scenario, "searched"),
    fixes: profile.fixes,
    fromSeed,
    universes,
    strategyFor: strategyFor(strategy),
    keepGoing: flags.keepGoing ?? false,
  });
  const elapsedMs = Math.round(performance.now() - started);
  const first = summary.firstFailure;
  if (first) {
    const v = first.violations[0]!;
    console.log(`FAIL ${scenario.name} on ${profile.label}: seed ${first.seed} after ${summary.universes} universe(s)`);
    console.log(`  ${v.kind}: ${v.message}`);
    console.log(`  trace ${first.traceHash}`);
    console.log(`  replay: ${replayCommand(scenario.name, first.seed, profile, strategy)}`);
  } else {
    console.log(`pass ${scenario.name} on ${profile.label}: ${summary.universes} universe(s), no violation (${elapsedMs} ms)`);
  }
  if (flags.json) {
    console.log(
      JSON.stringify({
        scenario: scenario.name,
        profile: profile.label,
        strategy,
        universes: summary.universes,
        violations: summary.violations,
        elapsedMs,
        firstFailure: first
          ? { seed: first.seed, traceHash: first.traceHash, violation: { kind: first.violations[0]!.kind, message: first.violations[0]!.message } }
          : null,
      }),
    );
  }
  return first ? 1 : 0;
}
