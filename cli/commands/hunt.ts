// `omnisim hunt`: every scenario on its red profile and on `fixed`, with a budget of
// universes per cell, a progress bar on a terminal, and a closing table. Exit 0 when every
// cell is as expected (red where the bug lives, green on `fixed`), 1 otherwise.
import { performance } from "node:perf_hooks";
import cliProgress from "cli-progress";
import type { ProfileName } from "../../engine/fixes.ts";
import { SCENARIOS } from "../../scenarios/registry.ts";
import { formSpec, type Scenario } from "../../scenarios/types.ts";
import { searchSeeds } from "../../sim/search.ts";
import { parseCount, parseSeed, resolveProfile, resolveScenario } from "../args.ts";
import { parseStrategy, strategyFor } from "../strategies.ts";

export interface HuntFlags {
  budget?: string;
  seed?: string;
  strategy?: string;
  scenario?: string[];
  json?: boolean;
}

/** Universes per cell when no `--budget` is given. */
export const DEFAULT_HUNT_BUDGET = 300;

interface Cell {
  scenario: Scenario;
  profile: ProfileName;
  expectRed: boolean;
}

interface Row {
  scenario: string;
  bug: string;
  profile: string;
  expected: "red" | "green";
  universes: number;
  violations: number;
  firstFailingSeed: number | null;
  firstViolation: string | null;
  /** Whether the first violation is one of the scenario's declared symptoms. */
  symptom: boolean;
  elapsedMs: number;
  asExpected: boolean;
}

function cellsOf(scenarios: readonly Scenario[]): Cell[] {
  const cells: Cell[] = [];
  for (const s of scenarios) {
    if (s.redProfile && s.redProfile !== "fixed") cells.push({ scenario: s, profile: s.redProfile, expectRed: true });
    cells.push({ scenario: s, profile: "fixed", expectRed: s.redProfile === "fixed" });
  }
  return cells;
}

export async function huntCommand(flags: HuntFlags): Promise<number> {
  const budget = flags.budget !== undefined ? parseCount(flags.budget, "--budget") : DEFAULT_HUNT_BUDGET;
  const fromSeed = flags.seed !== undefined ? parseSeed(flags.seed) : 1;
  const strategy = parseStrategy(flags.strategy ?? "random");
  const scenarios = flags.scenario?.length ? flags.scenario.map(resolveScenario) : SCENARIOS;
  const cells = cellsOf(scenarios);
  const bar =
    process.stderr.isTTY && !flags.json
      ? new cliProgress.SingleBar(
          { format: "hunt [{bar}] {value}/{total} universes | {cell}", stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : null;
  bar?.start(cells.length * budget, 0, { cell: "" });
  const rows: Row[] = [];
  let done = 0;
  for (const cell of cells) {
    const profile = resolveProfile(cell.profile);
    const started = performance.now();
    const summary = await searchSeeds({
      spec: formSpec(cell.scenario, "searched"),
      fixes: profile.fixes,
      fromSeed,
      universes: budget,
      strategyFor: strategyFor(strategy),
      keepGoing: !cell.expectRed,
      onUniverse: () => bar?.update(++done, { cell: `${cell.scenario.name} on ${cell.profile}` }),
    });
    done += budget - summary.universes;
    bar?.update(done);
    const first = summary.firstFailure;
    rows.push({
      scenario: cell.scenario.name,
      bug: cell.scenario.bug,
      profile: cell.profile,
      expected: cell.expectRed ? "red" : "green",
      universes: summary.universes,
      violations: summary.violations,
      firstFailingSeed: first?.seed ?? null,
      firstViolation: first ? first.violations[0]!.kind : null,
      symptom: first ? cell.scenario.symptoms.includes(first.violations[0]!.kind) : false,
      elapsedMs: Math.round(performance.now() - started),
      asExpected: cell.expectRed === (first !== null),
    });
  }
  bar?.stop();
  printTable(rows);
  if (flags.json) console.log(JSON.stringify({ budget, strategy, rows }));
  return rows.every((r) => r.asExpected) ? 0 : 1;
}

function printTable(rows: readonly Row[]): void {
  const header = ["scenario", "bug", "profile", "expect", "universes", "violations", "first failing seed", "violation", "ms", ""];
  const body = rows.map((r) => [
    r.scenario,
    r.bug,
    r.profile,
    r.expected,
    String(r.universes),
    String(r.violations),
    r.firstFailingSeed === null ? "-" : String(r.firstFailingSeed),
    r.firstViolation === null ? "-" : r.symptom ? r.firstViolation : `${r.firstViolation} (another bug)`,
    String(r.elapsedMs),
    r.asExpected ? "ok" : "UNEXPECTED",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of body) console.log(line(row));
}
