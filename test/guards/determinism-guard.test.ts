// The determinism contract: nothing under engine/, sim/, failpoints/ or scenarios/ may read the
// wall clock, ambient randomness or timers. The real backend (backends/) is exempt: it does real
// I/O in a temporary directory, and the scheduler runs it one storage call at a time.
import { relative } from "node:path";
import { expect, test } from "vitest";
import { findAll, read, REPO, tsFilesUnder } from "./source-scan.ts";

const BANNED =
  /\bMath\.random\b|\bDate\.now\b|\bnew Date\(\s*\)|\bperformance\.now\b|\bcrypto\.(randomUUID|randomBytes|getRandomValues|randomInt)\b|\bsetTimeout\b|\bsetInterval\b|\bsetImmediate\b|["']node:perf_hooks["']/;

export function bannedUses(file: string, src: string) {
  return findAll(file, src, BANNED);
}

test("engine, sim, failpoints and scenarios use no wall clock, ambient randomness or timers", () => {
  const files = ["engine", "sim", "failpoints", "scenarios"].flatMap((d) => tsFilesUnder(d));
  expect(files.length).toBeGreaterThan(10);
  const hits = files.flatMap((f) => bannedUses(relative(REPO, f), read(f)));
  expect(hits).toEqual([]);
});

test("the guard goes red on a planted defect, and ignores comments", () => {
  const planted = `
    // Date.now() in a comment is fine
    const t = Date.now();
    const r = Math.random();
    setTimeout(() => {}, 1);
    const d = new Date();
    const ok = new Date(1700000000000);
  `;
  expect(bannedUses("planted.ts", planted).map((h) => [h.line, h.text])).toEqual([
    [3, "Date.now"],
    [4, "Math.random"],
    [5, "setTimeout"],
    [6, "new Date()"],
  ]);
});
