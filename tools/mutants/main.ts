// `npm run mutants`: applies each mutant of the catalog to a copy of the repository, one at a
// time, runs the default hunt's cells against it in a child process, and prints the kill
// rate and every survivor with its reason. A full run (the whole catalog at the default budget)
// writes tools/mutants/results.json (any budget; below the hunt's, the rate is a lower bound), from which `npm run mutants:readme` renders the README's
// section. Flags: `--only ID,...`, `--budget N` (universes per cell), `--jobs N` (mutants at
// once, default 1: the machine is shared), `--no-typecheck`, `--no-confirm` (below the default
// budget, skip running each survivor's catalog cell at the default budget: confirmSurvivors). Exit 0 when the kill rate reaches
// the mark and every survivor is explained, 1 otherwise, 2 on bad input.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_HUNT_BUDGET } from "../../cli/commands/hunt.ts";
import { MUTANTS } from "./catalog.ts";
import { type ChildOutcome, cellName, type RedUniverse } from "./outcome.ts";
import { anchorProblem } from "./patch.ts";
import { type Confirmation, describeKill, effectiveOutcome, type MutantResult, type MutantsResults, percent, REQUIRED_RATE, summarize, verdictOf } from "./results.ts";
import { runMutant } from "./run.ts";
import type { Mutant } from "./types.ts";

const REPO = join(import.meta.dirname, "..", "..");
export const RESULTS_FILE = join(REPO, "tools", "mutants", "results.json");

class UsageError extends Error {}

interface Options {
  readonly only: readonly string[] | null;
  readonly budget: number;
  readonly jobs: number;
  readonly typecheck: boolean;
  readonly fixedOnly: boolean;
  /** Run each survivor's catalog cell again at the default budget (below it; off with `--no-confirm`). */
  readonly confirm: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  let only: string[] | null = null;
  let budget = DEFAULT_HUNT_BUDGET;
  let jobs = 1;
  let typecheck = true;
  let fixedOnly = false;
  let confirm = true;
  const count = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (v === undefined || !/^\d+$/.test(v) || n < 1) throw new UsageError(`bad ${flag} "${v ?? ""}": expected a positive integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--only") {
      only = (argv[++i] ?? "").split(",").filter(Boolean);
      const unknown = only.filter((id) => !MUTANTS.some((m) => m.id === id));
      if (only.length === 0 || unknown.length > 0) throw new UsageError(`--only: unknown mutant ${unknown.join(", ") || "(none given)"}`);
    } else if (a === "--budget") budget = count(a, argv[++i]);
    else if (a === "--jobs") jobs = count(a, argv[++i]);
    else if (a === "--no-typecheck") typecheck = false;
    else if (a === "--fixed-only") fixedOnly = true;
    else if (a === "--no-confirm") confirm = false;
    else throw new UsageError(`unknown argument "${a}" (flags: --only ID,..., --budget N, --jobs N, --fixed-only, --no-confirm, --no-typecheck)`);
  }
  return { only, budget, jobs, typecheck, fixedOnly, confirm };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Runs `tasks` at most `jobs` at a time, in order of start. */
async function pool<T>(jobs: number, tasks: readonly (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
  return out;
}

/**
 * The unmutated tree runs every universe of the cells first. A universe that fails its cell
 * without any mutant says nothing about one: it is skipped in every mutant's run (and the
 * results list it).
 */
async function baseline(o: Options): Promise<{ outcome: ChildOutcome; red: readonly RedUniverse[] }> {
  const outcome = await runMutant(REPO, null, { budget: o.budget, scenarios: null, baseline: true, fixedOnly: o.fixedOnly, timeoutMs: 6 * 3_600_000, typecheck: o.typecheck });
  if (outcome.kind !== "baseline") throw new Error(`the unmutated tree cannot be measured: ${describeKill(outcome)}`);
  return { outcome, red: outcome.red };
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const problems = MUTANTS.map((m) => anchorProblem(REPO, m)).filter((p) => p !== null);
  if (problems.length > 0) throw new UsageError(`the catalog does not fit the engine: ${problems.join("; ")}`);
  const chosen: readonly Mutant[] = o.only ? MUTANTS.filter((m) => o.only!.includes(m.id)) : MUTANTS;
  const started = Date.now();
  console.log(`mutants: ${chosen.length} of ${MUTANTS.length}, ${o.budget} universes per ${o.fixedOnly ? "fixed cell" : "hunt cell"}, ${o.jobs} at a time`);
  const base = await baseline(o);
  const baseMs = base.outcome.kind === "baseline" ? base.outcome.ms : 0;
  // A hang must not stall the run: a child far past the unmutated run's time is stopped.
  const timeoutMs = Math.max(120_000, 4 * baseMs + 60_000);
  console.log(`baseline: the unmutated tree ran ${describeKill(base.outcome)} in ${seconds(baseMs)}`);
  const red = new Map<string, RedUniverse[]>();
  for (const r of base.red) red.set(cellName(r), [...(red.get(cellName(r)) ?? []), r]);
  for (const [name, rs] of red) console.log(`  ${name}: ${rs.length} universes fail the cell without any mutant (first seed ${rs[0]!.seed}: ${rs[0]!.violation}); skipped in every mutant's run`);
  let done = 0;
  const outcomes = await pool(
    o.jobs,
    chosen.map((m) => async () => {
      const t = Date.now();
      const outcome = await runMutant(REPO, m, { budget: o.budget, scenarios: null, fixedOnly: o.fixedOnly, skip: base.red, timeoutMs, typecheck: o.typecheck });
      done++;
      console.log(`[${done}/${chosen.length}] ${m.id}: ${verdictOf(m, outcome)} (${describeKill(outcome)}) ${seconds(Date.now() - t)}`);
      return outcome;
    }),
  );
  const confirms = o.confirm && o.budget < DEFAULT_HUNT_BUDGET && !o.fixedOnly ? await confirmSurvivors(o, chosen, outcomes, timeoutMs) : new Map<string, Confirmation>();
  const measured: MutantResult[] = chosen.map((m, i) => ({ id: m.id, outcome: outcomes[i]!, ...(confirms.has(m.id) ? { confirm: confirms.get(m.id)! } : {}) }));
  const byId = new Map(measured.map((r) => [r.id, effectiveOutcome(r)]));
  const s = summarize(chosen, byId);
  const elapsedMs = Date.now() - started;
  console.log("");
  console.log(`kill rate: ${s.killed} of ${s.nonEquivalent} non-equivalent mutants killed (${percent(s.rate)}); ${s.equivalent} declared equivalent; mark ${percent(REQUIRED_RATE)}`);
  for (const [category, c] of s.byCategory) console.log(`  ${category}: ${c.killed} of ${c.total - c.equivalent} killed${c.equivalent ? ` (+${c.equivalent} equivalent)` : ""}`);
  const survivors = chosen.filter((m) => ["equivalent", "blind-spot", "unexplained"].includes(verdictOf(m, byId.get(m.id)!)));
  if (survivors.length > 0) console.log("survivors:");
  for (const m of survivors) {
    const why = m.equivalent !== undefined ? `equivalent: ${m.equivalent}` : m.blindSpot !== undefined ? `blind spot: ${m.blindSpot}` : "UNEXPLAINED";
    console.log(`  ${m.id} (${m.file}): ${m.breaks}\n    ${why}`);
  }
  for (const p of s.problems) console.log(`problem: ${p}`);
  console.log(`took ${seconds(elapsedMs)}`);
  // Any budget: more universes only add kills (a mutant's run visits the seeds of a smaller
  // budget first), so a run below the hunt's budget gives a lower bound, and the results say so.
  if (!o.only) {
    const results: MutantsResults = {
      budget: o.budget,
      cells: o.fixedOnly ? "fixed" : "hunt",
      commit: gitHead(),
      date: new Date().toISOString().slice(0, 10),
      elapsedMs,
      jobs: o.jobs,
      baseline: base.outcome,
      skipped: base.red,
      mutants: measured,
    };
    writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
    console.log("wrote tools/mutants/results.json (run `npm run mutants:readme` to update the README)");
  } else {
    console.log("a partial run (--only): tools/mutants/results.json is left as it was");
  }
  return s.rate >= REQUIRED_RATE && s.problems.length === 0 ? 0 : 1;
}

/**
 * The default hunt runs more universes per cell than a quicker run: a survivor whose catalog
 * entry names the cell where it dies past this run's budget (`defaultHuntCell`) is run again in
 * that one cell at the default budget, beside the unmutated tree's run of the same cell at the
 * same budget (whose red universes it skips, as the main run does), so what the default hunt
 * kills is measured here.
 */
async function confirmSurvivors(o: Options, chosen: readonly Mutant[], outcomes: readonly ChildOutcome[], timeoutMs: number): Promise<Map<string, Confirmation>> {
  const out = new Map<string, Confirmation>();
  const baselines = new Map<string, ChildOutcome>();
  const due = chosen.filter((m, i) => outcomes[i]!.kind === "survived" && m.defaultHuntCell !== undefined);
  if (due.length > 0) console.log(`confirming ${due.length} survivor${due.length === 1 ? "" : "s"} in the cell each dies in at the default budget (${DEFAULT_HUNT_BUDGET} universes):`);
  for (const m of due) {
    const { scenario, profile } = m.defaultHuntCell!;
    const cell = { budget: DEFAULT_HUNT_BUDGET, scenarios: [scenario], profiles: [profile], timeoutMs: Math.max(timeoutMs, 1_800_000), typecheck: o.typecheck };
    const key = `${scenario}@${profile}`;
    let base = baselines.get(key);
    if (!base) {
      base = await runMutant(REPO, null, { ...cell, baseline: true });
      baselines.set(key, base);
    }
    if (base.kind !== "baseline") throw new Error(`the unmutated tree cannot be measured in ${key}: ${describeKill(base)}`);
    const t = Date.now();
    const outcome = await runMutant(REPO, m, { ...cell, skip: base.red });
    console.log(`  ${m.id} in ${key}: ${describeKill(outcome)} (${base.red.length} universes red without it) ${seconds(Date.now() - t)}`);
    out.set(m.id, { scenario, profile, budget: DEFAULT_HUNT_BUDGET, baselineRed: base.red.length, outcome });
  }
  return out;
}

function gitHead(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short=8", "HEAD"], { cwd: REPO, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(`mutants: ${(e as Error).message}`);
  process.exitCode = 2;
}
