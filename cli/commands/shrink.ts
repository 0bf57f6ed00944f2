// `omnisim shrink <scenario> --seed S`: replays a failing universe (from its seed and strategy,
// or from `--tape FILE`) and shrinks its choice tape while the same failure (its signature:
// violation kind, error kind, operation, actor role) still comes first; prints the minimal
// schedule and writes the tape file. Exit 1 when the universe fails (the failure reproduces and
// was shrunk), 0 when it passes (nothing to shrink), 2 on bad input.
import { performance } from "node:perf_hooks";
import { redProfileOf } from "../../scenarios/claims.ts";
import { formSpec } from "../../scenarios/types.ts";
import { runUniverse } from "../../sim/universe.ts";
import { parseCount, parseSeed, readTape, resolveProfile, UsageError } from "../args.ts";
import { type Failure, fixedNote, foundLines, replayOf, saveArtefacts, shrinkFailure, shrunkLines, tapeFileOf } from "../failure.ts";
import { saveTarget } from "../ledger.ts";
import { reportErrors } from "../output.ts";
import { loadScenario } from "../scenario-ref.ts";
import { parseStrategyChoice, replayStrategy, seededStrategies, type StrategyFlags } from "../strategies.ts";

export interface ShrinkFlags extends StrategyFlags {
  seed?: string;
  profile?: string;
  fix?: string[];
  scripted?: boolean;
  tape?: string;
  out?: string;
  replays?: string;
  steps?: string;
  save?: boolean | string;
  json?: boolean;
}

export async function shrinkCommand(ref: string, flags: ShrinkFlags): Promise<number> {
  const { scenario } = await loadScenario(ref);
  const profile = resolveProfile(flags.profile ?? redProfileOf(scenario.claim) ?? "seed", flags.fix);
  const tape = flags.tape !== undefined ? readTape(flags.tape) : null;
  const seed = flags.seed !== undefined ? parseSeed(flags.seed) : (tape?.seed ?? 1);
  const scripted = flags.scripted ?? tape?.form === "scripted";
  if (scripted && !scenario.scripted) throw new UsageError(`scenario ${scenario.name} has no scripted form`);
  const choice = parseStrategyChoice(flags, "random");
  const save = saveTarget(flags.save);
  if (choice.name === "dfs" && !tape) throw new UsageError("a schedule found by --strategy dfs shrinks from its tape: give --tape FILE");
  const limits = {
    ...(flags.replays !== undefined ? { maxReplays: parseCount(flags.replays, "--replays") } : {}),
    ...(flags.steps !== undefined ? { maxSteps: parseCount(flags.steps, "--steps") } : {}),
  };
  const form = scripted ? "scripted" : "searched";
  const spec = formSpec(scenario, form);
  const seeded = tape ? null : await seededStrategies(choice, spec, profile.fixes);
  const strategy = tape ? replayStrategy(tape.tape) : seeded!.forSeed(seed);
  const started = performance.now();
  const result = await runUniverse({ spec, seed, fixes: profile.fixes, strategy });
  const head = `${scenario.name} (${form}) on ${profile.label}, seed ${seed}`;
  const named = { scenario: scenario.name, profile: profile.label, seed, form };
  if (result.verdict === "pass") {
    if (flags.json) console.log(JSON.stringify({ ...named, verdict: "pass" }));
    else console.log(`pass ${head}: no violation, nothing to shrink (exit 0)`);
    return 0;
  }
  const failure: Failure = {
    scenario,
    ref,
    form,
    spec,
    profile,
    strategy: tape ? null : choice,
    member: choice.name === "portfolio" && seeded ? seeded.describe(seed) : null,
    result,
    backend: "virtual",
  };
  const say = (lines: readonly string[]) => {
    if (!flags.json) for (const l of lines) console.log(l);
  };
  say(foundLines(failure, ""));
  const shrunk = await shrinkFailure(failure, limits);
  say(shrunkLines(shrunk, { schedule: true }));
  const tapeFile = tapeFileOf(failure, flags.out);
  say([`  replay the shrunk tape: ${replayOf(failure, tapeFile)}`]);
  const v = shrunk.final.violations[0]!;
  if (flags.json) {
    console.log(
      JSON.stringify({
        ...named,
        verdict: "fail",
        violation: { kind: v.kind, message: v.message },
        signature: shrunk.signature,
        before: shrunk.before,
        after: shrunk.after,
        replays: shrunk.replays,
        elapsedMs: Math.round(performance.now() - started),
        tape: shrunk.tape,
        tapeFile,
        traceHash: shrunk.final.traceHash,
        replay: replayOf(failure),
        replayTape: replayOf(failure, tapeFile),
      }),
    );
  }
  const saved = saveArtefacts(failure, shrunk.tape, { ...(flags.out !== undefined ? { out: flags.out } : {}), save });
  if (saved.tapeFile && saved.tapeFile !== tapeFile) say([`  (the tape file name was taken by another tape: written to ${saved.tapeFile})`]);
  if (saved.ledger) say([`  saved to the seed ledger ${saved.ledger}`]);
  const note = fixedNote(failure, saved.ledger);
  if (note) say([note]);
  say(["exit 1: the universe fails, and its shrunk tape replays the failure"]);
  reportErrors(saved.errors);
  return 1;
}
