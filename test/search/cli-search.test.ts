// The search flags end to end: PCT with its guarantee, exhaustive search, the portfolio as
// hunt's default, --no-shrink and --save, and bad input as one line and exit code 2.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { omnisim } from "../cli/run-cli.ts";

test("a green PCT run reports its guarantee, in text and JSON, when every universe stayed within its k and n", () => {
  // Five universes of the stale-handle rounds on fixed stay within the k and n PCT estimated.
  const text = omnisim("run", "card-stale-handle", "--strategy", "pct", "--depth", "2", "--profile", "fixed", "--seeds", "5");
  expect(text.stdout).toMatch(/PCT guarantee, bug depth 2 \(n=\d+ actors, k=\d+ steps\): >= .* per universe; missed by all 5 with probability <= /);
  const r = omnisim("run", "card-stale-handle", "--strategy", "pct", "--depth", "2", "--profile", "fixed", "--seeds", "5", "--json");
  expect(r.code).toBe(0);
  const j = r.json as { universes: number; violations: number; firstFailure: null; strategy: string; guarantee: { holds: boolean; actors: number; stepBound: number; observed: { stepDecisions: number; actors: number }; depths: { depth: number; perUniverse: number; missProbability: number }[] } };
  expect(j).toMatchObject({ universes: 5, violations: 0, firstFailure: null, strategy: "pct" });
  const g = j.guarantee;
  expect(g.holds).toBe(true);
  expect(g.observed.stepDecisions).toBeLessThanOrEqual(g.stepBound);
  const p = 1 / (g.actors * g.stepBound);
  expect(g.depths[0]!.depth).toBe(2);
  expect(g.depths[0]!.perUniverse).toBeCloseTo(p, 12);
  expect(g.depths[0]!.missProbability).toBeCloseTo((1 - p) ** 5, 12);
});

test("no PCT guarantee is claimed when a universe of the run took more steps than the k it assumed", () => {
  const r = omnisim("run", "open-sweep-cas-race", "--strategy", "pct", "--depth", "2", "--profile", "fixed", "--seeds", "200", "--json");
  expect(r.code).toBe(0);
  const g = (r.json as { guarantee: { holds: boolean; stepBound: number; observed: { stepDecisions: number } } }).guarantee;
  expect(g.holds).toBe(false);
  expect(g.observed.stepDecisions).toBeGreaterThan(g.stepBound);
  const text = omnisim("run", "open-sweep-cas-race", "--strategy", "pct", "--depth", "2", "--profile", "fixed", "--seeds", "200");
  expect(text.stdout).toMatch(/no PCT guarantee: it assumes n=\d+ actors and k=\d+ step decisions per universe, but a universe of this run had/);
  expect(text.stdout).not.toMatch(/missed by all/);
});

test("a PCT failure replays from its seed with --strategy pct --depth", () => {
  const run = omnisim("run", "demo-lost-update", "--strategy", "pct", "--depth", "2", "--seeds", "100", "--no-shrink", "--json");
  expect(run.code).toBe(1);
  const first = run.json!.firstFailure as { seed: number; traceHash: string };
  expect(run.json!.firstFailure).toMatchObject({ replay: `npx omnisim replay demo-lost-update --profile seed --strategy pct --depth 2 --seed ${first.seed}` });
  const replay = omnisim("replay", "demo-lost-update", "--seed", String(first.seed), "--strategy", "pct", "--depth", "2", "--json");
  expect(replay.json).toMatchObject({ verdict: "fail", traceHash: first.traceHash });
});

test("run --strategy dfs explores the scripted form: red on seed, clean within the bound on fixed", () => {
  const red = omnisim("run", "card-concurrent-insert", "--scripted", "--strategy", "dfs", "--no-shrink", "--json");
  expect(red.code).toBe(1);
  expect(red.json).toMatchObject({ strategy: "dfs", universes: 1, exhaustive: { schedules: 1, preemptions: 2, reduction: true } });
  expect((red.json!.firstFailure as { replay: string }).replay).toMatch(/^npx omnisim replay card-concurrent-insert --scripted --profile seed --tape \S+ --seed 1$/);
  const green = omnisim("run", "card-concurrent-insert", "--scripted", "--strategy", "dfs", "--profile", "fixed", "--json");
  expect(green.code).toBe(0);
  expect(omnisim("run", "card-concurrent-insert", "--scripted", "--strategy", "dfs", "--profile", "fixed").stdout).toMatch(/clean within 2 preemption\(s\): 1 schedule\(s\) explored/);
  expect(green.json).toMatchObject({ exhaustive: { complete: true } });
});

test("hunt defaults to the portfolio; --save appends to a ledger, deduplicated; --no-shrink keeps the tape", () => {
  const dir = mkdtempSync(join(tmpdir(), "omnisim-save-"));
  const ledger = join(dir, "regressions.json");
  const hunt = omnisim("hunt", "--scenario", "demo-lost-update", "--budget", "20", "--save", ledger, "--json");
  expect(hunt.code).toBe(0);
  expect(hunt.json).toMatchObject({ strategy: "portfolio", budget: 20 });
  const rows = hunt.json!.rows as { profile: string; member: string | null; tape: { before: number; after: number } | null }[];
  expect(rows[0]!.member).toMatch(/^(random|pct\(d=\d\)) crash=/);
  expect(rows[0]!.tape!.after).toBeLessThanOrEqual(rows[0]!.tape!.before);
  const saved = JSON.parse(readFileSync(ledger, "utf8")).entries;
  expect(saved).toHaveLength(1);
  expect(saved[0]).toMatchObject({ scenario: "demo-lost-update", profile: "seed", form: "searched", strategy: "portfolio", violation: "lost-update" });
  omnisim("hunt", "--scenario", "demo-lost-update", "--budget", "20", "--save", ledger);
  expect(JSON.parse(readFileSync(ledger, "utf8")).entries).toHaveLength(1);
  const raw = omnisim("run", "demo-lost-update", "--seed", String(saved[0].seed), "--strategy", "portfolio", "--no-shrink", "--save", ledger, "--json");
  expect(raw.json).toMatchObject({ shrunk: null, savedTo: ledger });
  expect(JSON.parse(readFileSync(ledger, "utf8")).entries).toHaveLength(2);
});

test("bad search flags and a corrupt ledger are one line on stderr and exit code 2", () => {
  const dir = mkdtempSync(join(tmpdir(), "omnisim-bad-"));
  const corrupt = join(dir, "corrupt.json");
  writeFileSync(corrupt, "{ not a ledger");
  const cases = [
    ["run", "demo-lost-update", "--strategy", "pct", "--depth", "0"],
    ["run", "demo-lost-update", "--strategy", "pct", "--depth", "x"],
    ["run", "demo-lost-update", "--depth", "2"],
    ["run", "demo-lost-update", "--strategy", "dfs", "--preemptions", "-1"],
    ["run", "demo-lost-update", "--preemptions", "2"],
    ["run", "demo-lost-update", "--strategy", "bogus"],
    ["run", "demo-lost-update", "--scripted"],
    ["hunt", "--depth", "2"],
    ["replay", "demo-lost-update", "--strategy", "dfs"],
    ["shrink", "no-such-scenario"],
    ["run", "demo-lost-update", "--seeds", "50", "--save", corrupt],
  ];
  for (const args of cases) {
    const r = omnisim(...args);
    expect(r.code, args.join(" ")).toBe(2);
    expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    expect(r.stderr, args.join(" ")).not.toMatch(/\n\s+at /);
  }
  expect(readFileSync(corrupt, "utf8")).toBe("{ not a ledger");
});
