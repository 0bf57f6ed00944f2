// `npm run bench`: throughput and the scheduler's overhead, crash states per second and per
// universe (`omnisim crashes`), time to first failure per strategy, exhaustive search with and
// without reduction, shrinking, and the cost of replaying on real Lance. Prints a table per
// section and writes bench/results.json. Numbers only: nothing here passes or fails on time.
// `--quick` runs a smaller version of every section; `--only a,b` runs only those sections
// (throughput, crashes, find, exhaustive, shrink, lance). `--against REV` runs this tree and
// commit REV side by side in this one process (bench/against.ts) and writes bench/against.json
// instead.
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { AgainstError, benchAgainst } from "./against.ts";
import { benchCrashes } from "./crashes.ts";
import { benchExhaustive } from "./exhaustive.ts";
import { benchFind } from "./find.ts";
import { benchLanceCost } from "./lance-cost.ts";
import { benchShrink } from "./shrink.ts";
import { round } from "./table.ts";
import { benchThroughput } from "./throughput.ts";

const SECTIONS = ["throughput", "crashes", "find", "exhaustive", "shrink", "lance"] as const;
const USAGE = `usage: npm run bench -- [--quick] [--only ${SECTIONS.join(",")}] [--against REV]`;

/** Bad arguments: one line and exit 2, before anything runs or bench/results.json is touched. */
function usageError(message: string): never {
  process.stderr.write(`bench: ${message} (${USAGE})\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(`${USAGE}\nPrints a table per section and writes bench/results.json (about 2.5 minutes in all).`);
  process.exit(0);
}
const quick = args.includes("--quick");
const onlyAt = args.indexOf("--only");
const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? "").split(",").filter((s) => s !== "")) : null;
const againstAt = args.indexOf("--against");
const against = againstAt >= 0 ? args[againstAt + 1] : undefined;
if (againstAt >= 0 && (against === undefined || against.startsWith("--"))) usageError("--against needs a revision (a commit, tag or branch)");
for (const [i, a] of args.entries()) {
  const value = i > 0 && (args[i - 1] === "--only" || args[i - 1] === "--against");
  if (a !== "--quick" && a !== "--only" && a !== "--against" && !value) usageError(`unknown argument "${a}"`);
}
if (only !== null) {
  if (only.size === 0) usageError("--only needs a list of sections");
  for (const s of only) if (!(SECTIONS as readonly string[]).includes(s)) usageError(`unknown section "${s}"`);
}
const wanted = (section: string) => (against === undefined ? only === null || only.has(section) : section === "against");

const started = performance.now();
const results: Record<string, unknown> = {
  node: process.version,
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  // The day, and how busy the machine was when the run began (numbers under load are noisy).
  date: new Date().toISOString().slice(0, 10),
  loadAverage: Math.round(loadavg()[0]! * 10) / 10,
  quick,
};

async function section<T extends { lines: string[] }>(name: string, run: () => Promise<T>, pick: (r: T) => unknown): Promise<void> {
  if (!wanted(name)) return;
  const t0 = performance.now();
  const r = await run();
  const seconds = round((performance.now() - t0) / 1000, 1);
  console.log(r.lines.join("\n"));
  console.log(`(${name}: ${seconds} s)\n`);
  results[name] = pick(r);
  results[`${name}Seconds`] = seconds;
}

if (against !== undefined) {
  try {
    await section("against", () => benchAgainst(against, { quick }), (r) => r.result);
  } catch (e) {
    if (!(e instanceof AgainstError)) throw e;
    process.stderr.write(`bench: ${e.message}\n`);
    process.exit(2);
  }
}
await section("throughput", () => benchThroughput({ quick }), (r) => r.result);
await section("crashes", () => benchCrashes({ quick }), (r) => r.result);
await section("find", () => benchFind({ quick }), (r) => r.rows);
await section("exhaustive", () => benchExhaustive({ quick }), (r) => r.rows);
await section("shrink", () => benchShrink({ quick }), (r) => r.rows);

// Replaying on real Lance: scripted universes on both backends, ms per universe and the ratio
// (bench/lance-cost.ts).
await section("lance", () => benchLanceCost({ quick }), (r) => r.rows);

results.totalSeconds = round((performance.now() - started) / 1000, 1);
const out = join(import.meta.dirname, against === undefined ? "results.json" : "against.json");
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`bench: ${results.totalSeconds} s in all; results in bench/${against === undefined ? "results" : "against"}.json`);
