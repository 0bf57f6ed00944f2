// `omnisim shrink <scenario> --seed S`: replays a failing universe (from its seed and strategy,
// or from `--tape FILE`) and shrinks its choice tape while the same violation still fires first;
// prints the minimal schedule and the tape, and writes the tape file. Exit 1 when it shrank a
// failure, 0 when the universe passes (nothing to shrink), 2 on bad input.
import { performance } from "node:perf_hooks";
import { formSpec } from "../../scenarios/types.ts";
import { runUniverse } from "../../sim/universe.ts";
import { parseCount, parseSeed, readTape, resolveProfile, resolveScenario, UsageError } from "../args.ts";
import { saveTarget } from "../ledger.ts";
import { afterFailure, failureLines } from "../failure.ts";
import { parseStrategyChoice, replayStrategy, seededStrategies, type StrategyFlags, strategyLabel } from "../strategies.ts";

export interface ShrinkFlags extends StrategyFlags {
  seed?: string;
  profile?: string;
  fix?: string[];
  scripted?: boolean;
  tape?: string;
  out?: string;
  replays?: string;
  save?: boolean | string;
  json?: boolean;
}

export async function shrinkCommand(name: string, flags: ShrinkFlags): Promise<number> {
  const scenario = resolveScenario(name);
  const profile = resolveProfile(flags.profile ?? scenario.redProfile ?? "seed", flags.fix);
  const tape = flags.tape !== undefined ? readTape(flags.tape) : null;
  const seed = flags.seed !== undefined ? parseSeed(flags.seed) : (tape?.seed ?? 1);
  if (flags.scripted && !scenario.scripted) throw new UsageError(`scenario ${scenario.name} has no scripted form`);
  const choice = parseStrategyChoice(flags, "random");
  saveTarget(flags.save);
  if (choice.name === "dfs" && !tape) throw new UsageError("a schedule found by --strategy dfs shrinks from its tape: give --tape FILE");
  const maxReplays = flags.replays !== undefined ? parseCount(flags.replays, "--replays") : undefined;
  const form = flags.scripted ? "scripted" : "searched";
  const spec = formSpec(scenario, form);
  const strategy = tape ? replayStrategy(tape.tape) : (await seededStrategies(choice, spec, profile.fixes)).forSeed(seed);
  const started = performance.now();
  const result = await runUniverse({ spec, seed, fixes: profile.fixes, strategy });
  const head = `${scenario.name} (${form}) on ${profile.label}, seed ${seed}`;
  const named = { scenario: scenario.name, profile: profile.label, seed, form };
  if (result.verdict === "pass") {
    console.log(`pass ${head}: no violation, nothing to shrink`);
    if (flags.json) console.log(JSON.stringify({ ...named, verdict: "pass" }));
    return 0;
  }
  const report = await afterFailure({
    scenario,
    form,
    spec,
    profile,
    strategy: tape ? "tape" : strategyLabel(choice),
    result,
    shrink: true,
    ...(flags.out !== undefined ? { out: flags.out } : {}),
    ...(flags.save !== undefined ? { save: flags.save } : {}),
    ...(maxReplays !== undefined ? { maxReplays } : {}),
  });
  const v = report.final.violations[0]!;
  console.log(`FAIL ${head}`);
  console.log(`  ${v.kind}: ${v.message}`);
  for (const line of failureLines(report, { schedule: true })) console.log(line);
  if (flags.json) {
    console.log(
      JSON.stringify({
        ...named,
        violation: { kind: v.kind, message: v.message },
        before: report.shrunk!.before,
        after: report.shrunk!.after,
        replays: report.shrunk!.replays,
        elapsedMs: Math.round(performance.now() - started),
        tape: report.tape,
        tapeFile: report.tapeFile,
        traceHash: report.final.traceHash,
      }),
    );
  }
  return 1;
}
