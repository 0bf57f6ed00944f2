// `omnisim replay <scenario> --seed S`: one universe, as a readable timeline, its verdict and
// its trace hash. With `--tape FILE` the tape decides every choice; a tape file written by
// `run`, `hunt` or `shrink` also names its seed, profile and form, used when not given here.
// `--trace FILE` writes the JSONL trace (`omnisim show` renders it), `--perfetto FILE` the same
// universe in the Trace Event Format for Perfetto or chrome://tracing.
import { writeFileSync } from "node:fs";
import { redProfileOf } from "../../scenarios/claims.ts";
import { formSpec } from "../../scenarios/types.ts";
import { runUniverse, type UniverseSpec } from "../../sim/universe.ts";
import { formatCut, parseCut } from "../../sim/cuts/crash-state.ts";
import { replayCut, UnknownCut } from "../../sim/cuts/replay-cut.ts";
import type { StorageFaultKind } from "../../sim/faults/kinds.ts";
import type { Scenario } from "../../scenarios/types.ts";
import type { ProfileChoice } from "../args.ts";
import { parseFaultsFlag } from "./crashes.ts";
import { withStorageFaults } from "../../sim/faults/spec.ts";
import { parseSeed, readTape, resolveProfile, UsageError } from "../args.ts";
import { describeFsError } from "../artefacts.ts";
import { type LanceFlags, resolveRunBackend } from "../lance-runs.ts";
import { profileOfLabel } from "../ledger.ts";
import { reportErrors } from "../output.ts";
import { perfettoJson } from "../perfetto.ts";
import { replayLine } from "../replay-command.ts";
import { loadScenario } from "../scenario-ref.ts";
import { parseStrategyChoice, replayStrategy, seededStrategies, type StrategyChoice, type StrategyFlags, strategyLabel } from "../strategies.ts";
import { renderTimeline } from "../timeline.ts";

export interface ReplayFlags extends StrategyFlags, LanceFlags {
  seed?: string;
  cut?: string;
  faults?: string;
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
  const faults = parseFaultsFlag(flags.faults);
  const spec = withStorageFaults(formSpec(scenario, form), faults);
  if (flags.cut !== undefined) return replayCutCommand(ref, scenario, flags, { profile, seed, choice, spec, faults, tape: tape !== null, scripted });
  const strategy = tape ? replayStrategy(tape.tape) : (await seededStrategies(choice, spec, profile.fixes)).forSeed(seed);
  const backend = resolveRunBackend(flags, { scenario: ref, form, profile: profile.label, strategy: tape ? "tape" : strategyLabel(choice) }, { keepAny: true });
  if (faults.length > 0 && backend.name === "lance") throw new UsageError("--faults runs on the virtual store only");
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
    ...(faults.length ? { faults } : {}),
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
        violations: result.violations.map((x) => ({ kind: x.kind, message: x.message })),
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

/** `replay --cut NAME`: the future of one crash state, as the enumeration ran it (`omnisim crashes`). */
async function replayCutCommand(
  ref: string,
  scenario: Scenario,
  flags: ReplayFlags,
  o: { profile: ProfileChoice; seed: number; choice: StrategyChoice; spec: UniverseSpec; faults: StorageFaultKind[]; tape: boolean; scripted: boolean },
): Promise<number> {
  const name = parseCut(flags.cut!);
  if (!name) throw new UsageError(`bad --cut "${flags.cut}": a crash state's name, such as 117a (after the 117th durable write), 117b (before it), end, or 117a.3b (then the recovery died before its 3rd write)`);
  if (o.tape || o.scripted || (flags.backend !== undefined && flags.backend !== "virtual")) {
    throw new UsageError("--cut replays a crash state of a searched universe on the virtual store, from its seed (no --tape, --scripted or --backend)");
  }
  if (!o.spec.crashes) throw new UsageError(`scenario ${scenario.name} has no crash states (it declares no liveness probe)`);
  if (o.choice.name === "dfs") throw new UsageError("crash states are cut from seeded universes: use --strategy random, pct or portfolio");
  const strategy = (await seededStrategies(o.choice, o.spec, o.profile.fixes)).forSeed(o.seed);
  let replayed;
  try {
    replayed = await replayCut({ spec: o.spec, fixes: o.profile.fixes, seed: o.seed, strategy, name });
  } catch (e) {
    if (e instanceof UnknownCut) throw new UsageError(e.message);
    throw e;
  }
  const { result, state } = replayed;
  const v = result.violations[0] ?? null;
  const again = replayLine({ scenario: ref, form: "searched", seed: o.seed, profile: o.profile, strategy: o.choice, ...(o.faults.length ? { faults: o.faults } : {}), cut: formatCut(name) });
  if (flags.json) {
    console.log(
      JSON.stringify({
        scenario: scenario.name,
        profile: o.profile.label,
        seed: o.seed,
        cut: formatCut(name),
        path: replayed.path,
        verdict: result.verdict,
        violation: v ? { kind: v.kind, message: v.message } : null,
        violations: result.violations.map((x) => ({ kind: x.kind, message: x.message })),
        traceHash: result.traceHash,
        steps: result.steps - state.stepCount,
        strategy: strategyLabel(o.choice),
        replay: again,
      }),
    );
  } else {
    console.log(`${scenario.name} on ${o.profile.label}, seed ${o.seed}, strategy ${strategyLabel(o.choice)}: crash state ${formatCut(name)}`);
    for (const p of replayed.path) console.log(`  ${p}`);
    const events = result.trace.events();
    // A few steps of what led to the cut, then the future.
    const from = Math.max(0, state.traceLength - (flags.verbose ? 200 : 24));
    for (const line of renderTimeline(events.slice(from), { verbose: flags.verbose ?? false })) console.log(line);
    console.log(`verdict: ${result.verdict}${v ? ` (${v.kind}: ${v.message})` : ""}`);
    console.log(`steps after the cut: ${result.steps - state.stepCount}  trace: ${result.traceHash}`);
  }
  const errors = [
    ...(flags.trace !== undefined ? writeOut(flags.trace, () => result.trace.jsonl().map((l) => `${l}\n`).join(""), "the trace file") : []),
    ...(flags.perfetto !== undefined ? writeOut(flags.perfetto, () => perfettoJson(result.trace.events(), `${scenario.name} on ${o.profile.label}, seed ${o.seed}, cut ${formatCut(name)}`), "the Perfetto trace") : []),
  ];
  reportErrors(errors);
  return result.verdict === "fail" ? 1 : errors.length ? 2 : 0;
}
