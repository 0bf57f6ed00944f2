// `npm run fidelity`: the differential fidelity sweep. Generates sequences of storage
// operations (a fixed seed, so a sweep can be repeated), runs each on the virtual store and on
// real Lance, and prints the agreement table per operation kind with the time each backend
// spent. Exit 1 if any step disagreed without a documented explanation (docs/fidelity.md).
import { performance } from "node:perf_hooks";
import { Command, Option } from "commander";
import fc from "fast-check";
import { lanceBackend } from "../backends/lance/backend.ts";
import { DATASET_HEAVY, EVERYTHING, MANIFEST_AND_OBJECTS, sequences, type Mix } from "../sim/fidelity/arbitraries.ts";
import { runSequence } from "../sim/fidelity/runner.ts";
import { Tally, type TallyRow } from "../sim/fidelity/tally.ts";

const MIXES: Record<string, Mix> = { datasets: DATASET_HEAVY, manifest: MANIFEST_AND_OBJECTS, everything: EVERYTHING };

interface Flags {
  readonly sequences: string;
  readonly seed: string;
  readonly mix: string;
  readonly maxLength: string;
  readonly dir?: string;
  readonly examples: boolean;
}

const program = new Command("fidelity")
  .description("differential test of the virtual store against real Lance, with an agreement table per operation kind")
  .option("--sequences <n>", "how many sequences to run", "2000")
  .option("--seed <s>", "fast-check seed of the generated sequences", "1")
  .addOption(new Option("--mix <mix>", "which operations to draw").choices([...Object.keys(MIXES), "all"]).default("all"))
  .option("--max-length <n>", "operations per sequence at most (after setup)", "24")
  .option("--dir <dir>", "parent directory of the per-sequence Lance directories (default: the OS temp dir)")
  .option("--examples", "print the first non-exact example of every kind", false)
  .parse();

const flags = program.opts<Flags>();
const count = positive(flags.sequences, "--sequences");
const seed = Number.parseInt(flags.seed, 10);
const maxLength = positive(flags.maxLength, "--max-length");
const mixes = flags.mix === "all" ? Object.values(MIXES) : [MIXES[flags.mix] as Mix];

const tally = new Tally();
const started = performance.now();
let done = 0;
for (const [i, mix] of mixes.entries()) {
  const share = Math.floor(count / mixes.length) + (i < count % mixes.length ? 1 : 0);
  const sample = fc.sample(sequences({ mix, minLength: 1, maxLength }), { seed: seed + i, numRuns: share });
  for (const ops of sample) {
    const result = await runSequence(ops, {
      now: () => performance.now(),
      ...(flags.dir !== undefined ? { lance: () => lanceBackend({ dir: tempUnder(flags.dir as string, done) }) } : {}),
    });
    tally.add(result, done);
    done += 1;
    if (done % 250 === 0) process.stderr.write(`${done}/${count} sequences, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
}
const seconds = (performance.now() - started) / 1000;

printTable(tally.rows());
const steps = tally.rows().reduce((n, r) => n + r.run, 0);
const virtualMs = tally.rows().reduce((n, r) => n + r.virtualMs, 0);
const lanceMs = tally.rows().reduce((n, r) => n + r.lanceMs, 0);
console.log(
  `\n${tally.sequences} sequences (${tally.stopped} ended at a divergence), ${steps} steps in ${seconds.toFixed(1)} s; ` +
    `exact ${tally.total("exact")}, normalized ${tally.total("normalized")}, known ${tally.total("known")}, disagreed ${tally.total("disagree")}`,
);
console.log(`time in calls: model ${virtualMs.toFixed(0)} ms (${(virtualMs / steps).toFixed(3)} ms/step), Lance ${lanceMs.toFixed(0)} ms (${(lanceMs / steps).toFixed(2)} ms/step)`);
if (flags.examples || tally.total("disagree") > 0) printExamples(tally.rows());
process.exitCode = tally.total("disagree") > 0 ? 1 : 0;

function printTable(rows: readonly TallyRow[]): void {
  const header = ["operation", "run", "agreed", "(exact)", "(normalized)", "(same error)", "known", "disagreed", "model ms", "Lance ms"];
  const body = rows.map((r) => [
    r.label,
    String(r.run),
    String(r.exact + r.normalized),
    String(r.exact),
    String(r.normalized),
    String(r.bothFailed),
    String(r.known),
    String(r.disagreed),
    (r.virtualMs / r.run).toFixed(3),
    (r.lanceMs / r.run).toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ");
  console.log(line(header));
  for (const row of body) console.log(line(row));
}

function printExamples(rows: readonly TallyRow[]): void {
  for (const row of rows) {
    for (const [category, example] of Object.entries(row.first)) console.log(`\n[${row.label}] first ${category}: ${example}`);
  }
}

function tempUnder(parent: string, n: number): string {
  return `${parent.replace(/\/+$/, "")}/omnisim-fidelity-${process.pid}-${n}`;
}

function positive(text: string, name: string): number {
  const n = Number.parseInt(text, 10);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`${name} must be a positive integer, got ${text}`);
    process.exit(2);
  }
  return n;
}
