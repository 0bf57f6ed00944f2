// `npm run bench -- --against REV`: this tree and another commit, side by side in one process.
// REV is checked out into a temporary git worktree (sharing this tree's node_modules), both
// trees are loaded, and each scenario is timed in alternating turns, this tree then REV, so
// warm-up, garbage collection and the machine's load fall on both alike. A speed claim is then a
// ratio measured on the same machine at the same time. Verdicts are compared seed by seed.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { round, table } from "./table.ts";
import { emptyTally, loadTree, RANDOM_WORKLOAD_30, type Rates, ratesOf, type Tree, turn } from "./tree.ts";

export interface AgainstRow {
  readonly scenario: string;
  readonly here: Rates;
  readonly there: Rates;
  /** Rates here over rates there. */
  readonly stepsRatio: number;
  readonly universesRatio: number;
  /** Seeds (1..verdictSeeds) whose verdict differs between the two trees. */
  readonly verdictsDiffer: number;
  readonly verdictSeeds: number;
}

export interface AgainstResult {
  readonly rev: string;
  readonly commit: string;
  readonly turns: number;
  readonly turnMs: number;
  readonly rows: readonly AgainstRow[];
}

/** A problem with the revision or the environment: one line and exit 2, never a stack trace. */
export class AgainstError extends Error {}

/** `name@version` of each dependency in `dir`'s package.json that `root`'s node_modules does not hold. */
export function missingPackages(root: string, dir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  return Object.entries(manifest.dependencies ?? {})
    .filter(([name]) => !existsSync(join(root, "node_modules", name, "package.json")))
    .map(([name, version]) => `${name}@${version}`);
}

function git(root: string, args: string[]): string {
  return execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** REV checked out beside this tree, removed again by `dispose`. */
function checkout(root: string, rev: string): { dir: string; commit: string; dispose: () => void } {
  let commit: string;
  try {
    commit = git(root, ["rev-parse", "--verify", `${rev}^{commit}`]);
  } catch {
    throw new AgainstError(`--against: no commit "${rev}" in this repository`);
  }
  const dir = mkdtempSync(join(tmpdir(), "omnisim-against-"));
  git(root, ["worktree", "add", "--detach", "--force", dir, commit]);
  if (!existsSync(join(dir, "node_modules"))) symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  // REV shares this tree's node_modules: a package it needs that this tree has since dropped
  // would fail its first import with a stack trace; say which, and how to add them, instead.
  const missing = missingPackages(root, dir);
  if (missing.length > 0) {
    try {
      git(root, ["worktree", "remove", "--force", dir]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    throw new AgainstError(
      `--against ${rev}: that commit needs packages this tree's node_modules lacks (${missing.join(", ")}); add them beside this tree's with \`npm install --no-save ${missing.join(" ")}\` and run again`,
    );
  }
  return {
    dir,
    commit,
    dispose: () => {
      try {
        git(root, ["worktree", "remove", "--force", dir]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

async function verdictDifferences(a: Tree, b: Tree, scenario: string, seeds: number): Promise<number> {
  let differ = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const [x, y] = [await a.run(scenario, seed), await b.run(scenario, seed)];
    if (x.verdict !== y.verdict) differ++;
  }
  return differ;
}

export async function benchAgainst(rev: string, options: { quick: boolean }): Promise<{ result: AgainstResult; lines: string[] }> {
  const root = join(import.meta.dirname, "..");
  const other = checkout(root, rev);
  try {
    const here = await loadTree(root, "this tree");
    const there = await loadTree(other.dir, other.commit.slice(0, 8));
    const scenarios = [RANDOM_WORKLOAD_30, ...here.scenarios.filter((s) => there.scenarios.includes(s))];
    const turns = options.quick ? 2 : 6;
    const turnMs = options.quick ? 250 : 1000;
    const verdictSeeds = options.quick ? 10 : 40;
    const rows: AgainstRow[] = [];
    // Both trees compile their hot code on the largest workload before any clock runs.
    for (let i = 0; i < 2; i++) {
      await turn(here, RANDOM_WORKLOAD_30, turnMs * 2, emptyTally());
      await turn(there, RANDOM_WORKLOAD_30, turnMs * 2, emptyTally());
    }
    for (const scenario of scenarios) {
      // One unmeasured turn each, so both have compiled their hot code before the clock runs.
      await turn(here, scenario, turnMs / 4, emptyTally());
      await turn(there, scenario, turnMs / 4, emptyTally());
      const h = emptyTally();
      const t = emptyTally();
      for (let i = 0; i < turns; i++) {
        await turn(here, scenario, turnMs, h);
        await turn(there, scenario, turnMs, t);
      }
      const [hr, tr] = [ratesOf(h), ratesOf(t)];
      rows.push({
        scenario,
        here: hr,
        there: tr,
        stepsRatio: round(hr.stepsPerSecond / tr.stepsPerSecond, 2),
        universesRatio: round(hr.universesPerSecond / tr.universesPerSecond, 2),
        verdictsDiffer: await verdictDifferences(here, there, scenario, verdictSeeds),
        verdictSeeds,
      });
    }
    const result: AgainstResult = { rev, commit: other.commit, turns, turnMs, rows };
    const lines = [
      `Side by side against ${rev} (${other.commit.slice(0, 8)}): searched forms on fixed, ${turns} alternating turns of ${turnMs} ms each`,
      ...table(
        ["scenario", "steps/s here", "steps/s there", "ratio", "universes/s here", "there", "ratio", "verdicts"],
        rows.map((r) => [
          r.scenario,
          String(r.here.stepsPerSecond),
          String(r.there.stepsPerSecond),
          `${r.stepsRatio}x`,
          String(r.here.universesPerSecond),
          String(r.there.universesPerSecond),
          `${r.universesRatio}x`,
          r.verdictsDiffer === 0 ? `same on seeds 1-${r.verdictSeeds}` : `${r.verdictsDiffer} of ${r.verdictSeeds} differ`,
        ]),
      ),
    ];
    return { result, lines };
  } finally {
    other.dispose();
  }
}
