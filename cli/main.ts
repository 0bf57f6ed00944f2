// The omnisim command line.
import { Command, CommanderError, Option } from "commander";
import { UsageError } from "./args.ts";
import { LedgerError } from "./ledger.ts";
import { DEFAULT_HUNT_BUDGET, huntCommand } from "./commands/hunt.ts";
import { listCommand } from "./commands/list.ts";
import { mergeReportsCommand } from "./commands/merge-reports.ts";
import { replayCommand } from "./commands/replay.ts";
import { runCommand } from "./commands/run.ts";
import { shrinkCommand } from "./commands/shrink.ts";
import { DEFAULT_PCT_DEPTH, STRATEGY_NAMES } from "./strategies.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];

const strategyOption = (what: string) =>
  new Option("--strategy <name>", `${what}: random, pct (priorities, --depth), dfs (exhaustive, --preemptions), portfolio`).choices([
    ...STRATEGY_NAMES,
  ]);
const depthHelp = `PCT's bug depth d: d-1 priority change points (default ${DEFAULT_PCT_DEPTH})`;
const preemptionsHelp = "exhaustive search: preemptions (and crashes) allowed per schedule (default 2)";
const saveHelp = "append each failure to the seed ledger scenarios/regressions.json (or to FILE)";

/** The options that name one universe: seed, profile, fixes, and the strategy that ran it. */
function oneUniverse(cmd: Command, strategyWhat: string): Command {
  return cmd
    .argument("<scenario>", "scenario name")
    .option("--seed <s>", "the seed (default 1)")
    .option("--profile <profile>", "engine profile (default: the scenario's red profile)")
    .option("--fix <name=on|off>", "toggle one fix flag on top of the profile (repeatable)", collect)
    .addOption(strategyOption(strategyWhat))
    .option("--depth <d>", depthHelp);
}

function program(): Command {
  const p = new Command("omnisim")
    .description("Deterministic simulation of omnigraph's write and recovery path: find, replay and shrink races and crash bugs.")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError(false);

  p.command("list")
    .description("one line per scenario: name, bug, red profile, description")
    .option("--json", "one JSON object per scenario")
    .action((flags) => finish(listCommand(flags)));

  p.command("run")
    .description("run universes of a scenario (its searched form unless --scripted) from seed S upward; exit 1 if an oracle fires")
    .argument("<scenario>", "scenario name (see `omnisim list`)")
    .option("--profile <profile>", "engine profile: seed, regress-298, regress-297, fixed (default: the scenario's red profile)")
    .option("--fix <name=on|off>", "toggle one fix flag on top of the profile (repeatable)", collect)
    .option("--seeds <n>", "how many universes to run (seeds S..S+n-1); with dfs, the most schedules to explore (default 20000)")
    .option("--seed <s>", "the first seed (default 1); with dfs, the seed of every schedule")
    .addOption(strategyOption("search strategy (default random)"))
    .option("--depth <d>", depthHelp)
    .option("--preemptions <p>", preemptionsHelp)
    .option("--no-reduction", "exhaustive search without partial-order reduction")
    .option("--scripted", "run the scenario's scripted form")
    .option("--keep-going", "count every failing universe instead of stopping at the first")
    .option("--jobs <n>", "run the seeds on n worker threads (default 1); the same results as one thread")
    .option("--shard <k/n>", "run only shard k of n: seeds S+floor((k-1)N/n) to S+floor(kN/n)-1 (merge the shards' --json reports with merge-reports)")
    .option("--backend <name>", "storage: virtual (default) or lance (real Lance, one fresh directory per universe; failures shrink on the virtual store)")
    .option("--keep", "with --backend lance: keep each universe's directory")
    .option("--dir <path>", "with --backend lance: where universe directories go (default the OS temp dir)")
    .option("--no-shrink", "do not shrink the first failure's tape")
    .option("--save [file]", saveHelp)
    .option("--json", "end with one JSON summary line")
    .action(async (name, flags) => finish(await runCommand(name, flags)));

  oneUniverse(p.command("replay").description("replay one universe as a timeline, with its verdict and trace hash"), "the strategy the seed was found with")
    .option("--tape <file>", "replay this choice tape instead of the strategy's choices (its seed, profile and form apply unless given)")
    .option("--trace <file>", "write the JSONL trace to this file")
    .option("--backend <name>", "storage: virtual (default) or lance (real Lance, in a fresh directory removed afterwards)")
    .option("--keep", "with --backend lance: keep the directory and print where it is")
    .option("--dir <path>", "with --backend lance: where the directory goes (default the OS temp dir)")
    .option("--scripted", "run the scenario's scripted form")
    .option("--verbose", "show every scheduling point, including starts and passing failpoints")
    .option("--json", "end with one JSON line")
    .action(async (name, flags) => finish(await replayCommand(name, flags)));

  p.command("hunt")
    .description("every scenario on its red profile and on fixed, with a closing table")
    .option("--budget <n>", `universes per scenario and profile (default ${DEFAULT_HUNT_BUDGET})`)
    .option("--seed <s>", "the first seed (default 1)")
    .addOption(strategyOption("search strategy (default portfolio)"))
    .option("--depth <d>", depthHelp)
    .option("--preemptions <p>", preemptionsHelp)
    .option("--no-reduction", "exhaustive search without partial-order reduction")
    .option("--scenario <name>", "only this scenario (repeatable)", collect)
    .option("--jobs <n>", "spread each cell's seeds over n worker threads (default: every core, or one for a hunt under 1000 universes); the same results as one thread")
    .option("--shard <k/n>", "run only shard k of n of each cell's seeds (merge the shards' --json reports with merge-reports)")
    .option("--no-shrink", "do not shrink each cell's first failure")
    .option("--save [file]", saveHelp)
    .option("--json", "end with one JSON line")
    .action(async (flags) => finish(await huntCommand(flags)));

  p.command("merge-reports")
    .description("merge the JSON reports of the shards of one run or hunt (--shard k/n) into one verdict; exit 1 if it is not as expected")
    .argument("<files...>", "the shards' reports (the output of --json)")
    .option("--json", "one JSON line")
    .action((files, flags) => finish(mergeReportsCommand(files, flags)));

  oneUniverse(
    p.command("shrink").description("shrink a failing universe's choice tape while the same violation fires; print the minimal schedule, write the tape"),
    "the strategy the seed was found with (default random)",
  )
    .option("--scripted", "the scenario's scripted form")
    .option("--tape <file>", "shrink this tape instead of the strategy's choices")
    .option("--out <file>", "write the minimal tape here (default under .omnisim/)")
    .option("--replays <n>", "at most this many replays (default 2000)")
    .option("--save [file]", saveHelp)
    .option("--json", "end with one JSON line")
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

try {
  await program().parseAsync(process.argv);
  process.exitCode = exitCode;
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version exit 0; parse errors were already printed by commander: exit 2.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof UsageError || e instanceof LedgerError) {
    process.stderr.write(`omnisim: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
