// The README's benchmark tables, generated from bench/results.json (and bench/against.json, the
// side-by-side run) so that no number in them is typed by hand. `npm run bench:readme` rewrites
// the part of README.md between the markers; `--check` only says whether it is current (a test
// runs that check on every `npm test`).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AgainstResult } from "./against.ts";
import type { CrashesResult } from "./crashes.ts";
import type { ExhaustiveRow } from "./exhaustive.ts";
import { findCell, type FindRow } from "./find.ts";
import type { LanceCostRow } from "./lance-cost.ts";
import type { ShrinkRow } from "./shrink.ts";
import type { ThroughputResult } from "./throughput.ts";

export const BEGIN = "<!-- benchmarks: generated from bench/results.json by `npm run bench:readme`; do not edit by hand -->";
export const END = "<!-- end of generated benchmarks -->";

/** What bench/main.ts writes (each section may be absent). */
export interface BenchResults {
  readonly node?: string;
  readonly cpu?: string;
  readonly cores?: number;
  readonly date?: string;
  readonly loadAverage?: number;
  readonly quick?: boolean;
  readonly throughput?: ThroughputResult;
  readonly crashes?: CrashesResult;
  readonly find?: readonly FindRow[];
  readonly exhaustive?: readonly ExhaustiveRow[];
  readonly shrink?: readonly ShrinkRow[];
  readonly lance?: readonly LanceCostRow[];
  readonly totalSeconds?: number;
}

export interface AgainstFile extends BenchResults {
  readonly against?: AgainstResult;
}

const md = (header: readonly string[], rows: readonly (readonly string[])[]): string[] => [
  `| ${header.join(" | ")} |`,
  `|${header.map(() => "---").join("|")}|`,
  ...rows.map((r) => `| ${r.join(" | ")} |`),
];

const code = (s: string) => `\`${s}\``;
const num = (n: number) => n.toLocaleString("en-US");

function machine(r: BenchResults): string {
  const load = r.loadAverage === undefined ? "" : `, load average ${r.loadAverage} when it started`;
  return `${r.date ?? "undated"}, ${r.cores ?? "?"} cores (${r.cpu ?? "unknown CPU"}), Node ${r.node ?? "?"}${load}${r.quick ? ", --quick" : ""}`;
}

function throughput(t: ThroughputResult): string[] {
  const ops = (n: number | null) => (n === null ? "-" : String(n));
  const rw = t.randomWorkload;
  return [
    ...md(
      ["throughput", ""],
      [
        [
          "`random-workload` on `fixed`, 30 operations per actor (one core)",
          `${num(rw.stepsPerSecond)} steps/s, ${ops(rw.operationsPerSecond)} completed operations/s, ${rw.universesPerSecond} universes/s`,
        ],
        [
          "the same 30 engine operations, bare model / under the scheduler",
          `${t.bareMsPerSequence} ms / ${t.scheduledMsPerSequence} ms: scheduler overhead ${t.overheadRatio}x`,
        ],
        ...(t.jobs
          ? [
              [
                `${code(`--jobs ${t.jobs.jobs}`)} / one thread, ${code(t.jobs.scenario)} on ${code("fixed")}, ${t.jobs.universes} universes`,
                `${t.jobs.withJobs} / ${t.jobs.oneThread} universes/s = ${t.jobs.ratio}x (${t.jobs.sameResults ? "same results" : "results differ"})`,
              ],
            ]
          : []),
      ],
    ),
    "",
    ...md(
      ["scenario (searched form, `fixed`, random strategy, one core)", "steps/s", "completed operations/s", "universes/s"],
      t.perScenario.map((p) => [code(p.scenario), num(p.stepsPerSecond), ops(p.operationsPerSecond), String(p.universesPerSecond)]),
    ),
  ];
}

function crashes(c: CrashesResult): string[] {
  return [
    `Crash-state enumeration, ${code(`npx omnisim crashes ${c.scenario} --profile ${c.profile} --seeds ${c.universes}`)} (every durable write cut before and after, with double faults; one core):`,
    "",
    ...md(
      ["universes", "states", "states per universe", "double faults", "distinct durable states", "states/s", "states per CPU second", "violations"],
      [[String(c.universes), num(c.states), num(c.statesPerUniverse), num(c.doubleFaults), num(c.distinctStates), num(c.statesPerSecond), num(c.statesPerCpuSecond), String(c.violations)]],
    ),
  ];
}

function against(a: AgainstResult, r: BenchResults): string[] {
  return [
    `Side by side against ${code(a.rev)} (${a.commit.slice(0, 8)}), ${machine(r)}: ${code(`npm run bench -- --against ${a.rev}`)}, both trees in one process, ${a.turns} alternating turns of ${a.turnMs} ms per scenario (searched forms on ${code("fixed")}, one core):`,
    "",
    ...md(
      ["scenario", "steps/s here / there", "ratio", "universes/s here / there", "ratio", "verdicts"],
      a.rows.map((row) => [
        code(row.scenario),
        `${num(row.here.stepsPerSecond)} / ${num(row.there.stepsPerSecond)}`,
        `${row.stepsRatio}x`,
        `${row.here.universesPerSecond} / ${row.there.universesPerSecond}`,
        `${row.universesRatio}x`,
        row.verdictsDiffer === 0 ? `same on seeds 1-${row.verdictSeeds}` : `${row.verdictsDiffer} of ${row.verdictSeeds} differ`,
      ]),
    ),
  ];
}

function find(rows: readonly FindRow[]): string[] {
  const strategies = ["random", "pct:d=2", "pct:d=3", "portfolio", "dfs:p=2"];
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  const first = rows[0];
  const cellOf = (scenario: string, strategy: string) => {
    const r = rows.find((x) => x.scenario === scenario && x.strategy === strategy);
    return r ? findCell(r) : "-";
  };
  return [
    `Universes to the first failure showing the scenario's own symptom, median / worst over every base seed (${first ? `${first.bases} base seeds, cap ${first.cap}` : "none"}; ${code("dfs")}: fewer base seeds, its schedules do not depend on the seed); a search that never found it counts at the cap, shown ${code(">= cap")}:`,
    "",
    ...md(
      ["scenario", "bug", ...strategies.map(code)],
      scenarios.map((s) => [code(s), rows.find((r) => r.scenario === s)!.bug, ...strategies.map((st) => cellOf(s, st))]),
    ),
  ];
}

function exhaustive(rows: readonly ExhaustiveRow[]): string[] {
  return [
    "Exhaustive search from seed 1, in universes run (each universe one schedule; with the sleep sets, some universes retrace an explored schedule and are cut short as redundant):",
    "",
    ...md(
      ["scenario", "form", "profile", "bound", "reduction", "universes run", "distinct schedules", "outcome", "seconds"],
      rows.map((r) => [
        code(r.scenario),
        r.form,
        code(r.profile),
        `${r.preemptions} preemption(s)`,
        r.reduction ? "sleep sets" : "none",
        num(r.universes),
        num(r.schedules),
        r.violation ? `found ${code(r.violation)}` : r.complete ? (r.reduction ? "clean within the bound (reduction not exact)" : "clean within the bound") : "not exhausted",
        r.seconds.toFixed(2),
      ]),
    ),
    "",
    "The reduction is not exact: footprints cover storage keys and failpoint counters, not the virtual clock or the id stream, so two schedules it treats as one may differ in timestamps and ids; without it the search is exact.",
  ];
}

function shrink(rows: readonly ShrinkRow[]): string[] {
  return [
    "Shrinking the first random failure from seed 1:",
    "",
    ...md(
      ["scenario", "violation", "tape before", "after", "replays", "seconds"],
      rows.map((r) => [code(r.scenario), code(r.violation), String(r.before), `${r.after}${r.budgetSpent ? " (replay budget spent)" : ""}`, String(r.replays), String(r.seconds)]),
    ),
  ];
}

function lance(rows: readonly LanceCostRow[]): string[] {
  return [
    "A scripted universe on real Lance and on the virtual store:",
    "",
    ...md(
      ["scenario", "profile", "steps", "virtual store", "Lance", "ratio", "same trace hash"],
      rows.map((r) => [code(r.scenario), code(r.profile), String(r.steps), `${r.virtualMs} ms`, `${r.lanceMs} ms`, `${r.ratio}x`, r.sameTraceHash ? "yes" : "no (docs/fidelity.md)"]),
    ),
  ];
}

export function renderBenchmarks(results: BenchResults, side: AgainstFile | null): string {
  const parts: string[][] = [[`Latest run: ${machine(results)}; ${results.totalSeconds ?? "?"} s in all. Numbers only: nothing passes or fails on time.`]];
  if (results.throughput) parts.push(throughput(results.throughput));
  if (results.crashes) parts.push(crashes(results.crashes));
  if (side?.against) parts.push(against(side.against, side));
  if (results.find?.length) parts.push(find(results.find));
  if (results.exhaustive?.length) parts.push(exhaustive(results.exhaustive));
  if (results.shrink?.length) parts.push(shrink(results.shrink));
  if (results.lance?.length) parts.push(lance(results.lance));
  return parts.map((p) => p.join("\n")).join("\n\n");
}

function readJson<T>(path: string): T | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as T) : null;
}

/** The README with its generated part rendered from the results files beside this module. */
export function regenerated(readme: string, dir = import.meta.dirname): string {
  const results = readJson<BenchResults>(join(dir, "results.json")) ?? {};
  const side = readJson<AgainstFile>(join(dir, "against.json"));
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no generated benchmarks part (the markers ${BEGIN} ... ${END})`);
  return `${readme.slice(0, begin + BEGIN.length)}\n${renderBenchmarks(results, side)}\n${readme.slice(end)}`;
}
