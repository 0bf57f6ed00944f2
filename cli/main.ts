// The omnisim command line. Exit codes: 0 clean, 1 a violation found (or a hunt cell not as
// expected), 2 bad input or an environment error, always as one line on stderr and never a
// stack trace (OMNISIM_DEBUG=1 shows one); 130 on Ctrl-C.
import { claimsCommand, DEFAULT_CLAIMS_BUDGET } from "./commands/claims.ts";
import { crashesCommand, DEFAULT_CRASH_SEEDS } from "./commands/crashes.ts";
import { STORAGE_FAULT_KINDS } from "../sim/faults/kinds.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import { DEFAULT_HUNT_BUDGET, huntCommand } from "./commands/hunt.ts";
import { failpointsCommand, fixesCommand, oraclesCommand, profilesCommand } from "./commands/discover.ts";
import { listCommand } from "./commands/list.ts";
import { mergeReportsCommand } from "./commands/merge-reports.ts";
import { replayCommand } from "./commands/replay.ts";
import { DEFAULT_RUN_SEEDS, runCommand } from "./commands/run.ts";
import { showCommand } from "./commands/show.ts";
import { shrinkCommand } from "./commands/shrink.ts";
import { errorLine, isCommanderError } from "./errors.ts";
import { DEFAULT_PCT_DEPTH, STRATEGY_NAMES } from "./strategies.ts";

const VERSION = (JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8")) as { version: string }).version;

const collect = (value: string, previous: string[] = []) => [...previous, value];

const strategyOption = (what: string) =>
  new Option("--strategy <name>", `${what}: random, pct (priorities, --depth), dfs (exhaustive, --preemptions), portfolio`).choices([
    ...STRATEGY_NAMES,
  ]);
const depthHelp = `PCT's bug depth d: d-1 priority change points (default ${DEFAULT_PCT_DEPTH})`;
const preemptionsHelp = "exhaustive search: preemptions (and crashes) allowed per schedule (default 2)";
const saveHelp = "append each failure to the seed ledger scenarios/regressions.json (or to FILE)";
const scenarioHelp = "a scenario name (see `omnisim list`) or the path of a scenario file (./my-scenario.ts)";
const fixHelp = "toggle one fix flag on top of the profile: name=on or name=off (repeatable; see `omnisim fixes`)";
const faultsHelp = `seeded storage faults on any storage call, some kinds on in each universe (swarm): ${STORAGE_FAULT_KINDS.join(", ")}, or all`;

/** `--backend lance` and its directory options. */
function lanceOptions(cmd: Command, keepHelp: string): Command {
  return cmd
    .option("--backend <name>", "storage: virtual (default) or lance (real Lance, one fresh directory per universe)")
    .option("--keep", keepHelp)
    .option("--keep-passing", "with --keep: keep passing universes' directories too")
    .option("--stop-at-violation", "with --keep: keep the graph as it was when the failure happened, not after the final recovery")
    .option("--dir <path>", "with --backend lance: where universe directories go (default the OS temp dir)");
}

/** `--json`, `--report FILE`, `--junit FILE`. */
function reportOptions(cmd: Command): Command {
  return cmd
    .option("--json", "print exactly one JSON document on stdout, nothing else")
    .option("--report <file>", "write the JSON document to FILE (pure JSON)")
    .option("--junit <file>", "write a JUnit XML report to FILE (one test case per scenario and profile)");
}

function program(): Command {
  const p = new Command("omnisim")
    .description("Deterministic simulation of omnigraph's write and recovery path: find, replay and shrink races and crash bugs.")
    .version(VERSION, "-V, --version", "print the version")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError(false);

  p.command("list")
    .description("one line per scenario: name, bug, red profile, description")
    .option("--json", "one JSON array")
    .action((flags) => finish(listCommand(flags)));
  p.command("profiles")
    .description("the engine profiles: what each is and which fixes it turns on")
    .option("--json", "one JSON array")
    .action((flags) => finish(profilesCommand(flags)));
  p.command("fixes")
    .description("the fix flags: what each fixes and where it is on")
    .option("--json", "one JSON array")
    .action((flags) => finish(fixesCommand(flags)));
  p.command("failpoints")
    .description("the failpoint catalog: each name, whether the model hits it, and where it sits")
    .option("--json", "one JSON array")
    .action((flags) => finish(failpointsCommand(flags)));
  p.command("oracles")
    .description("the oracles that judge every engine universe")
    .option("--json", "one JSON array")
    .action((flags) => finish(oraclesCommand(flags)));

  reportOptions(
    p
      .command("claims")
      .description("the claims suite: every check of each scenario's claim, known gaps marked; exit 1 if one is not as claimed")
      .argument("[scenarios...]", "scenarios by name or file (default: every registered one)")
      .option("--budget <n>", `universes per searched check (default ${DEFAULT_CLAIMS_BUDGET})`),
  ).action(async (refs, flags) => finish(await claimsCommand(refs, flags)));

  reportOptions(
    lanceOptions(
      p
        .command("run")
        .description("run universes of a scenario (its searched form unless --scripted) from seed S upward; exit 1 if an oracle fires")
        .argument("<scenario>", scenarioHelp)
        .option("--profile <profile>", "engine profile: seed, regress-298, regress-297, fixed (default: the scenario's red profile)")
        .option("--fix <name=on|off>", fixHelp, collect)
        .option("--seeds <n>", `how many universes to run (seeds S..S+n-1; default ${DEFAULT_RUN_SEEDS}); with dfs, the most schedules to explore (default 20000)`)
        .option("--seed <s>", "the first seed (default 1); with dfs, the seed of every schedule")
        .option("--time <duration>", "stop when this wall-clock budget is spent (90s, 5m, 1h)")
        .addOption(strategyOption("search strategy (default random)"))
        .option("--depth <d>", depthHelp)
        .option("--preemptions <p>", preemptionsHelp)
        .option("--no-reduction", "exhaustive search without partial-order reduction")
        .option("--scripted", "run the scenario's scripted form")
        .option("--keep-going", "count every failing universe instead of stopping at the first")
        .option("--faults <kinds>", faultsHelp)
        .option("--jobs <n>", "run the seeds on n worker threads (default 1); the same results as one thread")
        .option("--shard <k/n>", "run only shard k of n: seeds S+floor((k-1)N/n) to S+floor(kN/n)-1 (merge the shards' reports with merge-reports)")
        .option("--no-shrink", "do not shrink the first failure's tape")
        .option("--save [file]", saveHelp),
      "with --backend lance: keep each failing universe's directory, print where, and index it",
    ),
  ).action(async (name, flags) => finish(await runCommand(name, flags)));

  reportOptions(
    p
      .command("crashes")
      .description("crash-state enumeration: every state in which a writer died just before or after a durable write (and each recovery cut in turn), forked from a snapshot, recovered and judged; exit 1 if a state has a violation")
      .argument("<scenario>", scenarioHelp)
      .option("--profile <profile>", "engine profile (default: the scenario's red profile)")
      .option("--fix <name=on|off>", fixHelp, collect)
      .option("--seeds <n>", `how many universes to enumerate (seeds S..S+n-1; default ${DEFAULT_CRASH_SEEDS})`)
      .option("--seed <s>", "the first seed (default 1)")
      .option("--no-double-faults", "single crashes only (by default each recovery is also cut at each of its durable writes, then recovered from again)")
      .option("--no-reduction", "run every state's own future (by default a state equal to its neighbour in durable state, dying processes and history shares its future)")
      .option("--faults <kinds>", faultsHelp)
      .addOption(strategyOption("the strategy of the universes cut (default random)"))
      .option("--depth <d>", depthHelp)
      .option("--time <duration>", "stop when this wall-clock budget is spent (90s, 5m, 1h)")
      .option("--jobs <n>", "enumerate the seeds on n worker threads (default 1); the same results as one thread")
      .option("--shard <k/n>", "only shard k of n of the seeds (merge the shards' reports with merge-reports)")
      .option("--details", "print every failing state, not only the first ten"),
  ).action(async (name, flags) => finish(await crashesCommand(name, flags)));

  lanceOptions(
    p
      .command("replay")
      .description("replay one universe as a timeline, with its verdict and trace hash")
      .argument("<scenario>", scenarioHelp)
      .option("--seed <s>", "the seed (default 1, or the tape file's)")
      .option("--profile <profile>", "engine profile (default: the scenario's red profile, or the tape file's)")
      .option("--fix <name=on|off>", fixHelp, collect)
      .addOption(strategyOption("the strategy the seed was found with (default random)"))
      .option("--depth <d>", depthHelp)
      .option("--tape <file>", "replay this choice tape instead of the strategy's choices (its seed, profile and form apply unless given)")
      .option("--cut <name>", "replay one crash state's future (as `crashes` names it: 117a after the 117th durable write, 117b before it, end, 117a.3b a double fault)")
      .option("--faults <kinds>", "the storage fault kinds the universe ran with (`--faults` of run, hunt or crashes)")
      .option("--trace <file>", "write the JSONL trace to this file (`omnisim show FILE` renders it)")
      .option("--perfetto <file>", "write the universe in the Trace Event Format (open it in ui.perfetto.dev or chrome://tracing)")
      .option("--scripted", "run the scenario's scripted form")
      .option("--verbose", "show every scheduling point, including starts and passing failpoints")
      .option("--json", "print exactly one JSON document on stdout, nothing else"),
    "with --backend lance: keep the directory, print where, and index it",
  ).action(async (name, flags) => finish(await replayCommand(name, flags)));

  p.command("show")
    .description("render a trace written by `replay --trace` as the replay timeline")
    .argument("<trace.jsonl>", "the trace file")
    .option("--verbose", "show every scheduling point")
    .action((file, flags) => finish(showCommand(file, flags)));

  reportOptions(
    lanceOptions(
      p
        .command("hunt")
        .description("every scenario on its red profile, on upstream and on fixed (or on --profile), judged by its claim, with a closing table and a replay line per failure")
        .option("--budget <n>", `universes per scenario and profile (default ${DEFAULT_HUNT_BUDGET})`)
        .option("--time <duration>", "a wall-clock budget for the whole hunt, shared by the cells (90s, 5m, 1h)")
        .option("--seed <s>", "the first seed (default 1)")
        .option("--profile <profile>", "hunt on this profile instead of each scenario's red profile, upstream and fixed (repeatable)", collect)
        .addOption(strategyOption("search strategy: random, pct or portfolio (default portfolio)"))
        .option("--depth <d>", depthHelp)
        .option("--scenario <name>", "only this scenario, by name or file (repeatable)", collect)
        .option("--faults <kinds>", faultsHelp)
        .option("--crash-seeds <n>", "also enumerate every crash state (with double faults) of the first n seeds of each cell (default 0: none)")
        .option("--jobs <n>", "spread each cell's seeds over n worker threads (default: every core, or one for a hunt under 1000 universes); the same results as one thread")
        .option("--shard <k/n>", "run only shard k of n of each cell's seeds (merge the shards' reports with merge-reports)")
        .option("--details", "the wide table: universes, violations, strategy members, tapes, times")
        .option("--shrink-all", "shrink every cell's reported failure, not only those of the cells not as expected (--save does too)")
        .option("--no-shrink", "shrink no cell's reported failure")
        .option("--save [file]", saveHelp),
      "with --backend lance: keep each failing universe's directory, print where, and index it",
    ),
  ).action(async (flags) => finish(await huntCommand(flags)));

  p.command("merge-reports")
    .description("merge the JSON reports of the shards of one run or hunt (--shard k/n) into one verdict; exit 1 if it is not as expected")
    .argument("<files...>", "the shards' reports (--report FILE, or the output of --json)")
    .option("--json", "print exactly one JSON document on stdout, nothing else")
    .option("--report <file>", "write the merged JSON document to FILE (pure JSON)")
    .option("--junit <file>", "write a JUnit XML report of the merged verdict to FILE")
    .action((files, flags) => finish(mergeReportsCommand(files, flags)));

  p.command("shrink")
    .description("shrink a failing universe's choice tape while the same failure comes first; print the minimal schedule, write the tape")
    .argument("<scenario>", scenarioHelp)
    .option("--seed <s>", "the seed (default 1, or the tape file's)")
    .option("--profile <profile>", "engine profile (default: the scenario's red profile)")
    .option("--fix <name=on|off>", fixHelp, collect)
    .addOption(strategyOption("the strategy the seed was found with (default random)"))
    .option("--depth <d>", depthHelp)
    .option("--scripted", "the scenario's scripted form")
    .option("--tape <file>", "shrink this tape instead of the strategy's choices")
    .option("--out <file>", "write the minimal tape here (default under .omnisim/, named for scenario, form, profile, strategy and seed)")
    .option("--replays <n>", "at most this many replays (default 2000)")
    .option("--steps <n>", "at most this many scheduling points over all replays (default 3000000; a long tape's replays are costly)")
    .option("--save [file]", saveHelp)
    .option("--json", "print exactly one JSON document on stdout, nothing else")
    .action(async (name, flags) => finish(await shrinkCommand(name, flags)));

  return p;
}

// A reader that stops early (`omnisim run ... | head`) closes the pipe: the rest of the output
// is dropped, and the command still finishes its work (tape files, the ledger).
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code !== "EPIPE" && e.code !== "ERR_STREAM_DESTROYED") throw e;
});

let exitCode = 0;
function finish(code: number): void {
  exitCode = code;
}

function fail(e: unknown): void {
  process.stderr.write(`omnisim: ${errorLine(e)}\n`);
  process.exitCode = 2;
}

process.on("unhandledRejection", (e) => {
  fail(e);
  process.exit(2);
});

try {
  await program().parseAsync(process.argv);
  process.exitCode = exitCode;
} catch (e) {
  if (isCommanderError(e)) {
    // Help and version exit 0; parse errors were already printed by commander: exit 2.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else {
    fail(e);
  }
}
