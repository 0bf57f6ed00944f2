// `omnisim replay <scenario> --seed S`: one universe, as a readable timeline, its verdict and
// its trace hash. With `--tape FILE` the tape decides every choice; a tape file written by
// `run`, `hunt` or `shrink` also names its seed, profile and form, used when not given here.
import { readFileSync, writeFileSync } from "node:fs";
import { formSpec } from "../../scenarios/types.ts";
import { runUniverse } from "../../sim/universe.ts";
import { type BackendFlags, parseSeed, readTape, resolveBackend, resolveProfile, resolveScenario, UsageError } from "../args.ts";
import { backendDirectory } from "../../sim/backends.ts";
import { profileOfLabel } from "../ledger.ts";
import { parseStrategyChoice, replayStrategy, seededStrategies, type StrategyFlags } from "../strategies.ts";
import { renderTimeline } from "../timeline.ts";

export interface ReplayFlags extends StrategyFlags, BackendFlags {
  seed?: string;
  profile?: string;
  fix?: string[];
  tape?: string;
  trace?: string;
  scripted?: boolean;
  json?: boolean;
  verbose?: boolean;
}

export async function replayCommand(name: string, flags: ReplayFlags): Promise<number> {
  const scenario = resolveScenario(name);
  const tape = flags.tape !== undefined ? readTape(flags.tape) : null;
  const meta = tape && flags.tape !== undefined ? tapeMeta(flags.tape) : {};
  if (tape?.scenario !== undefined && tape.scenario !== scenario.name) {
    throw new UsageError(`tape file ${flags.tape} was recorded for scenario ${tape.scenario}, not ${scenario.name}`);
  }
  const profile =
    flags.profile === undefined && (flags.fix ?? []).length === 0 && tape?.profile !== undefined
      ? profileFromFile(tape.profile, flags.tape!)
      : resolveProfile(flags.profile ?? scenario.redProfile ?? "seed", flags.fix);
  const seed = flags.seed !== undefined ? parseSeed(flags.seed) : (tape?.seed ?? 1);
  const scripted = flags.scripted ?? meta.form === "scripted";
  if (scripted && !scenario.scripted) throw new UsageError(`scenario ${scenario.name} has no scripted form`);
  const choice = parseStrategyChoice(flags, "random");
  if (choice.name === "dfs" && !tape) throw new UsageError("a schedule found by --strategy dfs replays from its tape: give --tape FILE");
  const spec = formSpec(scenario, scripted ? "scripted" : "searched");
  const strategy = tape ? replayStrategy(tape.tape) : (await seededStrategies(choice, spec, profile.fixes)).forSeed(seed);
  const backend = resolveBackend(flags);
  const result = await runUniverse({ spec, seed, fixes: profile.fixes, strategy, backend: backend.factory });
  if (flags.trace !== undefined) {
    try {
      writeFileSync(flags.trace, result.trace.jsonl().map((l) => `${l}\n`).join(""));
    } catch (e) {
      throw new UsageError(`cannot write trace file ${flags.trace}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const form = scripted ? "scripted" : "searched";
  const on = backend.name === "lance" ? " on real Lance" : "";
  console.log(`${scenario.name} (${form}) on ${profile.label}, seed ${seed}${tape ? `, tape of ${tape.tape.length}` : ""}${on}`);
  for (const line of renderTimeline(result.trace.events(), { verbose: flags.verbose ?? false })) console.log(line);
  const v = result.violations[0] ?? null;
  console.log(`verdict: ${result.verdict}${v ? ` (${v.kind}: ${v.message})` : ""}`);
  console.log(`steps: ${result.steps}  trace: ${result.traceHash}`);
  const kept = flags.keep ? backendDirectory(result.world.backend) : null;
  if (kept) console.log(`kept the Lance graph at ${kept}`);
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
        form,
        backend: backend.name,
        tape: result.tape,
      }),
    );
  }
  return result.verdict === "pass" ? 0 : 1;
}

function profileFromFile(label: string, file: string) {
  try {
    return profileOfLabel(label);
  } catch (e) {
    throw new UsageError(`tape file ${file} names a bad profile "${label}": ${(e as Error).message}`);
  }
}

/** The form a tape file records, read loosely (older tape files have none). */
function tapeMeta(path: string): { form?: string } {
  try {
    const data = JSON.parse(readFileSync(path, "utf8")) as { form?: unknown } | unknown[];
    return !Array.isArray(data) && typeof data?.form === "string" ? { form: data.form } : {};
  } catch {
    return {};
  }
}
