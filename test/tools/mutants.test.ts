// The mutants catalog (`npm run mutants`): every anchor still occurs exactly once in the engine,
// so a change that moves the code breaks the catalog here instead of silently mutating nothing;
// the README's section matches the committed results; and one mutant is killed end to end
// through the real mechanism (a patched copy, a child process, the `fixed` cells).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { MUTANTS } from "../../tools/mutants/catalog.ts";
import { anchorProblem, occurrences } from "../../tools/mutants/patch.ts";
import { renderMutantsReadme } from "../../tools/mutants/readme.ts";
import { confirmedKills, effectiveOutcome, type MutantsResults, shapeOfSignature, summarize, weakKill } from "../../tools/mutants/results.ts";
import { runMutant } from "../../tools/mutants/run.ts";
import { type ChildOutcome, segments, shapeOf, slices } from "../../tools/mutants/outcome.ts";
import type { Mutant } from "../../tools/mutants/types.ts";
import { CATEGORIES } from "../../tools/mutants/types.ts";

const REPO = join(import.meta.dirname, "..", "..");

test("every mutant's anchor occurs exactly once in its engine file", () => {
  expect(MUTANTS.map((m) => anchorProblem(REPO, m)).filter((p) => p !== null)).toEqual([]);
});

test("the catalog: at least 30 regressions of the engine, unique ids, every category planted", () => {
  expect(MUTANTS.length).toBeGreaterThanOrEqual(30);
  expect(new Set(MUTANTS.map((m) => m.id)).size).toBe(MUTANTS.length);
  expect(MUTANTS.every((m) => m.file.startsWith("engine/"))).toBe(true);
  expect(new Set(MUTANTS.map((m) => m.category))).toEqual(new Set(CATEGORIES));
  // A mutant is either declared equivalent or (if it survives) a blind spot, never both.
  expect(MUTANTS.filter((m) => m.equivalent !== undefined && m.blindSpot !== undefined)).toEqual([]);
});

test("an anchor that moved or doubled is refused, loudly", () => {
  const m = MUTANTS[0]!;
  expect(anchorProblem(REPO, { ...m, find: `${m.find}\u0000not there` })).toMatch(/occurs 0 times/);
  expect(anchorProblem(REPO, { ...m, find: "import" })).toMatch(/occurs \d+ times/);
  expect(anchorProblem(REPO, { ...m, file: "engine/no-such-file.ts" })).toMatch(/does not exist/);
  expect(occurrences("abab", "ab")).toBe(2);
});

test("the kill rate leaves declared equivalents out, and flags an equivalent that was killed", () => {
  const base: Mutant = { id: "a", file: "engine/x.ts", find: "x", replace: "y", category: "off-by-one", breaks: "b" };
  const catalog: Mutant[] = [
    base,
    { ...base, id: "b" },
    { ...base, id: "c", equivalent: "cannot differ" },
    { ...base, id: "d", equivalent: "claimed, wrongly" },
  ];
  const killed: ChildOutcome = { kind: "killed", scenario: "s", seed: 1, violation: "v", message: "m", universes: 1, ms: 1 };
  const survived: ChildOutcome = { kind: "survived", universes: 9, cells: 1, ms: 1 };
  const s = summarize(catalog, new Map<string, ChildOutcome>([["a", killed], ["b", survived], ["c", survived], ["d", killed]]));
  expect(s.equivalent).toBe(1);
  expect(s.killed).toBe(2);
  expect(s.nonEquivalent).toBe(3);
  expect(s.problems).toEqual([expect.stringMatching(/^b: survived, and the catalog gives no reason/), expect.stringMatching(/^d: declared equivalent, yet killed/)]);
});

test("the child visits exactly the hunt's seeds, in growing slices", () => {
  expect(slices(1500)).toEqual([[1, 10], [11, 100], [101, 1500]]);
  expect(slices(5)).toEqual([[1, 5]]);
  // Universes red without any mutant are taken out of a mutant's run, and only those.
  expect(segments(1, 10, new Set([1, 5, 6, 10]))).toEqual([[2, 4], [7, 9]]);
  expect(segments(11, 100, new Set([5]))).toEqual([[11, 100]]);
});

test("the committed results cover the catalog, and the README's mutants section matches them", () => {
  const results = JSON.parse(readFileSync(join(REPO, "tools", "mutants", "results.json"), "utf8")) as MutantsResults;
  expect(results.mutants.map((r) => r.id).sort()).toEqual(MUTANTS.map((m) => m.id).sort());
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  expect(renderMutantsReadme(readme, results)).toBe(readme);
  expect(() => renderMutantsReadme("# nothing here\n", results)).toThrow(/generated:mutants/);
});

test("end to end: a mutant is killed by the hunt's cells in a patched copy, and the unmutated tree is not", { timeout: 180_000 }, async () => {
  const mutant = MUTANTS.find((m) => m.id === "audit-recovered-keeps-sidecar")!;
  const options = { budget: 20, scenarios: ["open-sweep-cas-race"], timeoutMs: 150_000, typecheck: false };
  const killed = await runMutant(REPO, mutant, options);
  expect(killed).toMatchObject({ kind: "killed", scenario: "open-sweep-cas-race" });
  // The hunt's three cells of a bug: its red profile, upstream and fixed.
  expect(await runMutant(REPO, null, options)).toMatchObject({ kind: "survived", cells: 3 });
  // A failure of a shape the unmutated tree already shows in a cell does not count against the mutant.
  const shape = shapeOf({ kind: killed.kind === "killed" ? killed.violation.split(" / ")[0]! : "none" });
  const known = ["seed", "upstream", "fixed", "regress-298", "regress-297"].map((profile) => ({ scenario: "open-sweep-cas-race", profile, seed: 1_000_000, violation: "planted", shapes: [shape] }));
  const again = await runMutant(REPO, mutant, { ...options, skip: known });
  expect(again.kind === "killed" ? shapeOf({ kind: again.violation.split(" / ")[0]! }) : "survived").not.toBe(shape);
});

test("a kill by a shape the unmutated tree shows elsewhere on its profile is weak evidence, and said so", () => {
  expect(shapeOfSignature("spurious-conflict / ExpectedVersionMismatch / mutate by insert / node:Person")).toBe("spurious-conflict / ExpectedVersionMismatch / mutate / node:Person");
  expect(shapeOfSignature("sidecar-after-recovery")).toBe("sidecar-after-recovery / - / - / -");
  const kill: ChildOutcome = { kind: "killed", scenario: "a", profile: "seed", seed: 7, violation: "spurious-conflict / ExpectedVersionMismatch / mutate by insert / node:Person", message: "m", universes: 1, ms: 1 };
  const red = [{ scenario: "b", profile: "seed", seed: 3, violation: "x", shapes: ["spurious-conflict / ExpectedVersionMismatch / mutate / node:Person"] }];
  expect(weakKill(kill, red)).toBe(true);
  expect(weakKill({ ...kill, profile: "fixed" }, red)).toBe(false);
  expect(weakKill({ ...kill, violation: "dangling-edge / edge:WorksAt" }, red)).toBe(false);
});

test("a survivor the default hunt kills past the run's budget counts only when its confirmation run killed it", () => {
  const base: Mutant = { id: "a", file: "engine/x.ts", find: "x", replace: "y", category: "off-by-one", breaks: "b", blindSpot: "dies at the default budget" };
  const survived: ChildOutcome = { kind: "survived", universes: 100, cells: 3, ms: 1 };
  const killed: ChildOutcome = { kind: "killed", scenario: "s", profile: "fixed", seed: 1048, violation: "v", message: "m", universes: 1048, ms: 1 };
  const confirm = (outcome: ChildOutcome) => ({ scenario: "s", profile: "fixed", budget: 1500, baselineRed: 0, outcome });
  const results = [
    { id: "a", outcome: survived, confirm: confirm(killed) },
    { id: "b", outcome: survived, confirm: confirm({ ...survived, universes: 1500, cells: 1 }) },
    { id: "c", outcome: survived },
  ];
  expect(effectiveOutcome(results[0]!)).toBe(killed);
  expect(effectiveOutcome(results[1]!)).toBe(survived);
  expect(confirmedKills(results).map((r) => r.id)).toEqual(["a"]);
  const s = summarize([base, { ...base, id: "b" }, { ...base, id: "c" }], new Map(results.map((r) => [r.id, effectiveOutcome(r)])));
  expect(s.killed).toBe(1);
  expect(s.nonEquivalent).toBe(3);
});

test("every cell a mutant names for the default budget is a cell the default hunt runs", async () => {
  const { SCENARIOS } = await import("../../scenarios/registry.ts");
  const { defaultHuntProfiles } = await import("../../scenarios/verify/hunt-cells.ts");
  const named = MUTANTS.filter((m) => m.defaultHuntCell !== undefined);
  expect(named.length).toBeGreaterThan(0);
  for (const m of named) {
    const { scenario, profile } = m.defaultHuntCell!;
    const s = SCENARIOS.find((x) => x.name === scenario);
    expect(s, `${m.id}: no scenario ${scenario}`).toBeDefined();
    expect(defaultHuntProfiles(s!.claim), `${m.id}: ${scenario}@${profile} is not a default hunt cell`).toContain(profile);
  }
});
