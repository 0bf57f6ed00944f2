// `omnisim replay <scenario> --seed S`: one universe, as a readable timeline, its verdict and
// its trace hash. With `--tape FILE` the tape decides every choice; a tape file written by
// `run`, `hunt` or `shrink` also names its seed, profile and form, used when not given here.
// `--trace FILE` writes the JSONL trace (`omnisim show` renders it), `--perfetto FILE` the same
// universe in the Trace Event Format for Perfetto or chrome://tracing.
import { writeFileSync } from "node:fs";
import { redProfileOf } from "../../scenarios/claims.ts";
import { formSpec } from "../../scenarios/types.ts";
import { runUniverse } from "../../sim/universe.ts";
import { parseSeed, readTape, resolveProfile, UsageError } from "../args.ts";
import { describeFsError } from "../artefacts.ts";
import { type LanceFlags, resolveRunBackend } from "../lance-runs.ts";
import { profileOfLabel } from "../ledger.ts";
import { reportErrors } from "../output.ts";
import { perfettoJson } from "../perfetto.ts";
import { replayLine } from "../replay-command.ts";
import { loadScenario } from "../scenario-ref.ts";
import { parseStrategyChoice, replayStrategy, seededStrategies, type StrategyFlags, strategyLabel } from "../strategies.ts";
import { renderTimeline } from "../timeline.ts";

export interface ReplayFlags extends StrategyFlags, LanceFlags {
  seed?: string;
  profile?: string;
  fix?: string[];
  tape?: string;
  trace?: string;
  perfetto?: string;
  scripted?: boolean;
  json?: boolean;
  verbose?: boolean;
}

/** Writes a file; returns the error line instead of throwing (it must not hide the verdict). */
function writeOut(path: string, content: () => string, what: string): string[] {
  try {
    writeFileSync(path, content());
    return [];
  } catch (e) {
    return [`cannot write ${what} ${path}: ${describeFsError(e)}`];
  }
}

export async function replayCommand(ref: string, flags: ReplayFlags): Promise<number> {
  const { scenario } = await loadScenario(ref);
  const tape = flags.tape !== undefined ? readTape(flags.tape) : null;
  if (tape?.scenario !== undefined && tape.scenario !== scenario.name) {
    throw new UsageError(`tape file ${flags.tape} was recorded for scenario ${tape.scenario}, not ${scenario.name}`);
  }
  const profile =
    flags.profile === undefined && (flags.fix ?? []).length === 0 && tape?.profile !== undefined
      ? profileFromFile(tape.profile, flags.tape!)
      : resolveProfile(flags.profile ?? redProfileOf(scenario.claim) ?? "seed", flags.fix);
  const seed = flags.seed !== undefined ? parseSeed(flags.seed) : (tape?.seed ?? 1);
  const scripted = flags.scripted ?? tape?.form === "scripted";
  if (scripted && !scenario.scripted) throw new UsageError(`scenario ${scenario.name} has no scripted form`);
  const choice = parseStrategyChoice(flags, "random");
  if (choice.name === "dfs" && !tape) throw new UsageError("a schedule found by --strategy dfs replays from its tape: give --tape FILE");
  const form = scripted ? "scripted" : "searched";
  const spec = formSpec(scenario, form);
  const strategy = tape ? replayStrategy(tape.tape) : (await seededStrategies(choice, spec, profile.fixes)).forSeed(seed);
  const backend = resolveRunBackend(flags, { scenario: ref, form, profile: profile.label, strategy: tape ? "tape" : strategyLabel(choice) }, { keepAny: true });
  const result = await runUniverse({ spec, seed, fixes: profile.fixes, strategy, backend: backend.factory });
  backend.after(result);
  await backend.finish(spec, profile.fixes);
  const v = result.violations[0] ?? null;
  const again = replayLine({
    scenario: ref,
    form,
    seed,
    profile,
    ...(tape ? { tapeFile: flags.tape! } : { strategy: choice }),
    backend: backend.name,
  });
  if (!flags.json) {
    const on = backend.name === "lance" ? " on real Lance" : "";
    console.log(`${scenario.name} (${form}) on ${profile.label}, seed ${seed}${tape ? `, tape of ${tape.tape.length}` : `, strategy ${strategyLabel(choice)}`}${on}`);
    for (const line of renderTimeline(result.trace.events(), { verbose: flags.verbose ?? false })) console.log(line);
    console.log(`verdict: ${result.verdict}${v ? ` (${v.kind}: ${v.message})` : ""}`);
    console.log(`steps: ${result.steps}  trace: ${result.traceHash}`);
    for (const k of backend.keptDirectories()) console.log(`kept the Lance graph (${k.state}) at ${k.directory}`);
  }
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
        strategy: tape ? "tape" : strategyLabel(choice),
        backend: backend.name,
        tape: result.tape,
        replay: again,
        kept: backend.keptDirectories(),
      }),
    );
  }
  // The verdict is out before any file is written: a file that cannot be written never hides it.
  const errors = [
    ...(flags.trace !== undefined ? writeOut(flags.trace, () => result.trace.jsonl().map((l) => `${l}\n`).join(""), "the trace file") : []),
    ...(flags.perfetto !== undefined
      ? writeOut(flags.perfetto, () => perfettoJson(result.trace.events(), `${scenario.name} (${form}) on ${profile.label}, seed ${seed}`), "the Perfetto trace")
      : []),
  ];
  reportErrors(errors);
  return result.verdict === "fail" ? 1 : errors.length ? 2 : 0;
}

function profileFromFile(label: string, file: string) {
  try {
    return profileOfLabel(label);
  } catch (e) {
    throw new UsageError(`tape file ${file} names a bad profile "${label}": ${(e as Error).message}`);
  }
}
