// The omnisim command line.
import { Command, CommanderError, Option } from "commander";
import { UsageError } from "./args.ts";
import { DEFAULT_HUNT_BUDGET, huntCommand } from "./commands/hunt.ts";
import { listCommand } from "./commands/list.ts";
import { replayCommand } from "./commands/replay.ts";
import { runCommand } from "./commands/run.ts";
import { STRATEGY_NAMES } from "./strategies.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];

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
    .description("run universes of a scenario's searched form from seed S upward; exit 1 if an oracle fires")
    .argument("<scenario>", "scenario name (see `omnisim list`)")
    .option("--profile <profile>", "engine profile: seed, regress-298, regress-297, fixed (default: the scenario's red profile)")
    .option("--fix <name=on|off>", "toggle one fix flag on top of the profile (repeatable)", collect)
    .option("--seeds <n>", "how many universes to run (seeds S..S+n-1)")
    .option("--seed <s>", "the first seed (default 1)")
    .addOption(new Option("--strategy <name>", "search strategy").choices([...STRATEGY_NAMES]))
    .option("--keep-going", "count every failing universe instead of stopping at the first")
    .option("--json", "end with one JSON summary line")
    .action(async (name, flags) => finish(await runCommand(name, flags)));

  p.command("replay")
    .description("replay one universe as a timeline, with its verdict and trace hash")
    .argument("<scenario>", "scenario name")
    .option("--seed <s>", "the seed (default 1)")
    .option("--profile <profile>", "engine profile (default: the scenario's red profile)")
    .option("--fix <name=on|off>", "toggle one fix flag on top of the profile (repeatable)", collect)
    .addOption(new Option("--strategy <name>", "the strategy the seed was found with").choices([...STRATEGY_NAMES]))
    .option("--tape <file>", "replay this choice tape instead of the strategy's choices")
    .option("--trace <file>", "write the JSONL trace to this file")
    .option("--scripted", "run the scenario's scripted form")
    .option("--verbose", "show every scheduling point, including starts and passing failpoints")
    .option("--json", "end with one JSON line")
    .action(async (name, flags) => finish(await replayCommand(name, flags)));

  p.command("hunt")
    .description("every scenario on its red profile and on fixed, with a closing table")
    .option("--budget <n>", `universes per scenario and profile (default ${DEFAULT_HUNT_BUDGET})`)
    .option("--seed <s>", "the first seed (default 1)")
    .addOption(new Option("--strategy <name>", "search strategy").choices([...STRATEGY_NAMES]))
    .option("--scenario <name>", "only this scenario (repeatable)", collect)
    .option("--json", "end with one JSON line")
    .action(async (flags) => finish(await huntCommand(flags)));

  return p;
}

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
  } else if (e instanceof UsageError) {
    process.stderr.write(`omnisim: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
