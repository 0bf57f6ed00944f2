// `omnisim replay <scenario> --seed S`: one universe, as a readable timeline, its verdict and
// its trace hash.
import { writeFileSync } from "node:fs";
import { formSpec } from "../../scenarios/types.ts";
import { runUniverse } from "../../sim/universe.ts";
import { parseSeed, readTape, resolveProfile, resolveScenario, UsageError } from "../args.ts";
import { parseStrategy, replayStrategy, strategyFor } from "../strategies.ts";
import { renderTimeline } from "../timeline.ts";

export interface ReplayFlags {
  seed?: string;
  profile?: string;
  fix?: string[];
  strategy?: string;
  tape?: string;
  trace?: string;
  scripted?: boolean;
  json?: boolean;
  verbose?: boolean;
}

export async function replayCommand(name: string, flags: ReplayFlags): Promise<number> {
  const scenario = resolveScenario(name);
  const profile = resolveProfile(flags.profile ?? scenario.redProfile ?? "seed", flags.fix);
  const seed = flags.seed !== undefined ? parseSeed(flags.seed) : 1;
  if (flags.scripted && !scenario.scripted) throw new UsageError(`scenario ${scenario.name} has no scripted form`);
  const tape = flags.tape !== undefined ? readTape(flags.tape) : null;
  const strategyName = parseStrategy(flags.strategy ?? "random");
  const strategy = tape ? replayStrategy(tape.tape) : strategyFor(strategyName)(seed);
  const result = await runUniverse({
    spec: formSpec(scenario, flags.scripted ? "scripted" : "searched"),
    seed,
    fixes: profile.fixes,
    strategy,
  });
  if (flags.trace !== undefined) {
    try {
      writeFileSync(flags.trace, result.trace.jsonl().map((l) => `${l}\n`).join(""));
    } catch (e) {
      throw new UsageError(`cannot write trace file ${flags.trace}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const form = flags.scripted ? "scripted" : "searched";
  console.log(`${scenario.name} (${form}) on ${profile.label}, seed ${seed}${tape ? `, tape of ${tape.tape.length}` : ""}`);
  for (const line of renderTimeline(result.trace.events(), { verbose: flags.verbose ?? false })) console.log(line);
  const v = result.violations[0] ?? null;
  console.log(`verdict: ${result.verdict}${v ? ` (${v.kind}: ${v.message})` : ""}`);
  console.log(`steps: ${result.steps}  trace: ${result.traceHash}`);
  if (flags.json) {
    console.log(
      JSON.stringify({
        scenario: scenario.name,
        profile: profile.label,
        seed,
        verdict: result.verdict,
        violation: v ? { kind: v.kind, message: v.message } : null,
        traceHash: result.traceHash,
        steps: result.steps,
      }),
    );
  }
  return result.verdict === "pass" ? 0 : 1;
}
