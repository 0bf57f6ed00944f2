// The user's workflow beyond one command: a saved trace shown again, the discovery commands,
// a scenario file of one's own, and the path from a failure on `fixed` to a ledger entry that a
// new fix flag turns green.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { type LedgerEntry, profileOfLabel, readLedger } from "../../cli/ledger.ts";
import { FIX_NAMES, PROFILES } from "../../engine/fixes.ts";
import { FP } from "../../failpoints/catalog.ts";
import { findScenario } from "../../scenarios/registry.ts";
import { formSpec } from "../../scenarios/types.ts";
import { replayTape } from "../../sim/shrink/shrink.ts";
import { expectUsageError, omnisim, omnisimIn, REPO } from "./run-cli.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "omnisim-flow-"));

test("show renders a saved trace exactly as replay printed it, and refuses what is not a trace", () => {
  const dir = tmp();
  const trace = join(dir, "b1.jsonl");
  const replay = omnisim("replay", "open-sweep-cas-race", "--scripted", "--trace", trace);
  const show = omnisim("show", trace);
  expect(show.code).toBe(0);
  const timeline = (s: string) => s.split("\n").filter((l) => !/^(open-sweep-cas-race \(|steps: |verdict: )/.test(l));
  expect(timeline(show.stdout)).toEqual(timeline(replay.stdout));
  expect(show.stdout).toContain("verdict: fail (open-failed)");
  const bad = join(dir, "bad.jsonl");
  writeFileSync(bad, '{"e":"grant","n":1,"actor":"a","step":"x"}\n{"e":"nonsense"}\n');
  const refused = omnisim("show", bad);
  expect(expectUsageError(refused)).toBeNull();
  expect(refused.stderr).toContain("line 2");
  expect(expectUsageError(omnisim("show", join(dir, "missing.jsonl")))).toBeNull();
});

test("profiles, fixes, failpoints and oracles: one line each with a description, and --json", () => {
  const fixes = omnisim("fixes", "--json");
  const list = JSON.parse(fixes.stdout) as { name: string; about: string; profiles: Record<string, boolean> }[];
  expect(list.map((f) => f.name)).toEqual(FIX_NAMES);
  for (const f of list) expect(f.about, `describe ${f.name} in cli/commands/discover.ts`).not.toMatch(/no description yet/);
  expect(list.find((f) => f.name === "fix296")!.profiles).toMatchObject({ seed: false, fixed: true });
  const profiles = JSON.parse(omnisim("profiles", "--json").stdout) as { name: string; about: string; on: string[] }[];
  expect(profiles.map((p) => p.name)).toEqual(Object.keys(PROFILES));
  expect(profiles.find((p) => p.name === "fixed")!.on).toEqual(FIX_NAMES.filter((f) => PROFILES.fixed[f]));
  for (const p of profiles) expect(p.about, `describe ${p.name} in cli/commands/discover.ts`).not.toMatch(/no description yet/);
  const fps = JSON.parse(omnisim("failpoints", "--json").stdout) as { name: string; constant: string; modelled: boolean }[];
  expect(fps.map((f) => f.name).sort()).toEqual(Object.values(FP).sort());
  expect(fps.find((f) => f.name === FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH)!.modelled).toBe(true);
  const oracles = JSON.parse(omnisim("oracles", "--json").stdout) as { name: string; about: string }[];
  expect(oracles.map((o) => o.name)).toContain("card-and-integrity");
  for (const o of oracles) expect(o.about.length).toBeGreaterThan(10);
  for (const cmd of ["profiles", "fixes", "failpoints", "oracles"]) {
    const text = omnisim(cmd);
    expect(text.code, cmd).toBe(0);
    expect(text.stdout.trim().split("\n").length, cmd).toBeGreaterThanOrEqual(4);
  }
});

test("a scenario file of one's own (the template) runs, replays from its printed line, and is red on its profile and green on fixed", () => {
  const dir = tmp();
  const file = join(REPO, "scenarios", "examples", "template.ts");
  const red = omnisimIn(dir, "run", file, "--seeds", "300", "--no-shrink", "--json");
  expect(red.code).toBe(1);
  const first = red.json!.firstFailure as { replay: string; traceHash: string; violation: { kind: string } };
  expect(first.replay).toContain(`replay ${file} `);
  // Its own claimed symptom (B2' across processes): hunt searches until it shows.
  const hunt = omnisimIn(dir, "hunt", "--scenario", file, "--profile", "seed", "--budget", "300", "--no-shrink", "--json");
  const row = (hunt.json!.rows as { claimedViolation: string | null }[])[0]!;
  expect(row.claimedViolation).toMatch(/^card-violated/);
  const again = omnisimIn(dir, ...first.replay.split(" ").slice(2), "--json");
  expect(again.json!.traceHash).toBe(first.traceHash);
  expect(omnisimIn(dir, "run", file, "--profile", "fixed", "--seeds", "200").code).toBe(0);
  const notAScenario = join(dir, "nothing.ts");
  writeFileSync(notAScenario, "export const x = 1;\n");
  expect(expectUsageError(omnisimIn(dir, "run", notAScenario))).toBeNull();
  // Outside the repository: refused with what to do, unless a package marks the folder an ES module.
  const outside = join(dir, "outside.ts");
  writeFileSync(outside, readFileSync(file, "utf8").replaceAll('from "../', `from "${join(REPO, "scenarios")}/`));
  const refusedOutside = omnisimIn(dir, "run", outside, "--seeds", "1", "--no-shrink");
  expect(expectUsageError(refusedOutside)).toBeNull();
  expect(refusedOutside.stderr).toContain('"type": "module"');
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  expect(omnisimIn(dir, "run", outside, "--seeds", "300", "--no-shrink").code).toBe(1);
  expect(expectUsageError(omnisimIn(dir, "run", "./no/such/file.ts"))).toBeNull();
});

/** What test/search/ledger.test.ts demands of an entry: red on its profile, green on fixed. */
async function ledgerVerdict(e: LedgerEntry, scenario = findScenario(e.scenario)!) {
  const spec = formSpec(scenario, e.form);
  const red = await replayTape({ spec, fixes: profileOfLabel(e.profile).fixes, seed: e.seed, tape: e.tape });
  const fixed = await replayTape({ spec, fixes: PROFILES.fixed, seed: e.seed, tape: e.tape });
  return { redOnProfile: red.violations.some((v) => v.kind === e.violation), greenOnFixed: fixed.verdict === "pass" };
}

test("from a failure on fixed to a ledger entry and a fix flag: the saved entry is red until the flag exists, then green", async () => {
  const dir = tmp();
  const ledger = join(dir, "regressions.json");
  // A failure on fixed, saved: the note says what comes next, and the entry cannot pass yet.
  const onFixed = omnisimIn(REPO, "run", "./test/cli/fixtures/red-on-fixed.ts", "--profile", "fixed", "--seeds", "1", "--save", ledger);
  expect(onFixed.code).toBe(1);
  expect(onFixed.stdout).toContain("found on fixed, so the ledger test stays red until a new fix flag closes it");
  expect(readLedger(ledger)[0]).toMatchObject({ scenario: "red-on-fixed", profile: "fixed" });
  // Once the new flag exists, the entry names the fixed engine without it. Here readSetToken
  // stands for the new flag: B2' on fixed with it off is the failure, fixed with it on the fix.
  const found = omnisim("run", "card-concurrent-insert", "--profile", "fixed", "--fix", "readSetToken=off", "--seeds", "50", "--save", ledger, "--json");
  expect(found.code).toBe(1);
  const entry = readLedger(ledger).find((e) => e.scenario === "card-concurrent-insert")!;
  expect(entry.profile).toBe("fixed+readSetToken=off");
  expect(await ledgerVerdict(entry)).toEqual({ redOnProfile: true, greenOnFixed: true });
  expect(readFileSync(ledger, "utf8")).toContain('"profile":"fixed+readSetToken=off"');
});

test("hunt shrinks the failure of a cell not as expected, and a known bug's only with --shrink-all", () => {
  const dir = tmp();
  // The template's bug, declared a control: on `seed` it shows, so the cell is not as expected.
  const template = readFileSync(join(REPO, "scenarios", "examples", "template.ts"), "utf8");
  const claim = /  claim: \{[\s\S]*?\n  \},\n/;
  expect(template).toMatch(claim);
  // Inside the repository (a gitignored folder), so its imports resolve as a user's copy's do.
  mkdirSync(join(REPO, ".omnisim"), { recursive: true });
  const own = mkdtempSync(join(REPO, ".omnisim", "control-"));
  const control = join(own, "control.ts");
  writeFileSync(
    control,
    template
      .replaceAll('from "../', 'from "../../scenarios/')
      .replace(claim, '  claim: { kind: "control", of: "B2", why: "a test of hunt\'s shrinking rule" },\n')
      .replace('name: "two-servers-insert-edges"', 'name: "template-as-control"'),
  );
  const file = join(REPO, "scenarios", "examples", "template.ts");
  type Row = { asExpected: boolean; tape: { before: number; after: number; shrinkMs: number | null } | null };
  const rowOf = (...args: string[]) => {
    const r = omnisimIn(dir, "hunt", "--profile", "seed", "--budget", "60", "--json", ...args);
    return (r.json!.rows as Row[])[0]!;
  };
  const known = rowOf("--scenario", file);
  expect(known.asExpected).toBe(true);
  expect(known.tape!.shrinkMs).toBeNull();
  const all = rowOf("--scenario", file, "--shrink-all");
  expect(all.tape!.shrinkMs).not.toBeNull();
  expect(all.tape!.after).toBeLessThanOrEqual(all.tape!.before);
  const unexpected = rowOf("--scenario", control);
  expect(unexpected.asExpected).toBe(false);
  expect(unexpected.tape!.shrinkMs).not.toBeNull();
  expect(rowOf("--scenario", control, "--no-shrink").tape!.shrinkMs).toBeNull();
  rmSync(own, { recursive: true, force: true });
});
