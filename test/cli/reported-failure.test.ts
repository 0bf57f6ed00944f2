// Which universe a failing hunt cell reports: the first that fails it under its judging rule,
// not the first with any violation; the same for shards put back together by merge-reports.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { type HuntRow, mergeHuntReports } from "../../cli/parallel/merge.ts";
import { type CellFindings, judgeCell } from "../../cli/reported-failure.ts";
import { shardSeeds } from "../../cli/parallel/shard.ts";
import { omnisimIn, REPO } from "./run-cli.ts";

const cell = (f: Partial<CellFindings>): CellFindings => ({
  claim: "bug",
  expected: "green",
  universes: 20,
  violations: 0,
  claimed: 0,
  claimedSeed: null,
  claimedViolation: null,
  others: [],
  crashStates: null,
  ...f,
});
const KNOWN = { signature: "lost-update", seed: 3, known: true };
const UNKNOWN = { signature: "audit-mismatch", seed: 11, known: false };

test("a green cell whose first violation is an expected bug reports the later unknown one", () => {
  const j = judgeCell(cell({ violations: 2, others: [KNOWN, UNKNOWN] }));
  expect(j).toMatchObject({ asExpected: false, because: "unknown-bug", reported: { seed: 11, cut: null, violation: "audit-mismatch", ownSymptom: false } });
  expect(j.why).toMatch(/unknown bug audit-mismatch at seed 11/);
  // Its own symptom where it must be green fails it too: the lower seed of the two is reported.
  expect(judgeCell(cell({ violations: 3, claimed: 1, claimedSeed: 14, claimedViolation: "partial-effect", others: [KNOWN, UNKNOWN] })).reported?.seed).toBe(11);
  expect(judgeCell(cell({ violations: 3, claimed: 1, claimedSeed: 7, claimedViolation: "partial-effect", others: [KNOWN, UNKNOWN] }))).toMatchObject({ because: "own-symptom", reported: { seed: 7, ownSymptom: true } });
  // Holding, it shows the expected bug it met.
  expect(judgeCell(cell({ violations: 1, others: [KNOWN] }))).toMatchObject({ asExpected: true, because: "as-expected", reported: { seed: 3 }, why: null });
});

test("a red cell reports the unknown bug, not its own symptom; without either, no universe", () => {
  const red = (f: Partial<CellFindings>) => judgeCell(cell({ expected: "red", ...f }));
  expect(red({ violations: 3, claimed: 1, claimedSeed: 15, claimedViolation: "partial-effect", others: [KNOWN, UNKNOWN] })).toMatchObject({ because: "unknown-bug", reported: { seed: 11 } });
  const missing = red({ violations: 1, others: [KNOWN] });
  expect(missing).toMatchObject({ asExpected: false, because: "symptom-not-shown", reported: null });
  expect(missing.why).toBe("its own symptom never showed in 20 universe(s): no universe to replay");
  // Both reasons: the unknown bug's universe replays, and the line says the symptom never showed.
  expect(red({ violations: 2, others: [KNOWN, UNKNOWN] }).why).toMatch(/at seed 11 .*; and its own symptom never showed/);
  expect(red({ violations: 2, claimed: 1, claimedSeed: 15, claimedViolation: "partial-effect", others: [KNOWN] })).toMatchObject({ asExpected: true, reported: { seed: 15, ownSymptom: true } });
});

test("a control reports its first violation, known or not; a crash state only when no universe fails the cell", () => {
  expect(judgeCell(cell({ claim: "control", violations: 2, others: [UNKNOWN, KNOWN] }))).toMatchObject({ because: "control-violation", reported: { seed: 3 } });
  const crash = { violations: 1, claimed: 0, first: { seed: 1, cut: "2a", signature: "audit-mismatch", claimed: false }, others: [{ ...UNKNOWN, seed: 1, cut: "2a" }] };
  expect(judgeCell(cell({ violations: 1, others: [KNOWN], crashStates: crash }))).toMatchObject({ because: "unknown-bug", reported: { seed: 1, cut: "2a" } });
  expect(judgeCell(cell({ violations: 2, others: [KNOWN, UNKNOWN], crashStates: crash })).reported).toMatchObject({ seed: 11, cut: null });
});

/**
 * A hunt row per shard of seeds 1..20 in n shards, as hunt writes it: what each seed shows is
 * `known` (an expected bug), `unknown`, or `own` (the scenario's own symptom).
 */
function huntShards(n: number, expected: "red" | "green", shows: Record<number, "known" | "unknown" | "own">): { rows: HuntRow[] }[] {
  const whole = (fromSeed: number, universes: number, shard: HuntRow["shard"]) => {
    const seeds = Array.from({ length: universes }, (_, i) => fromSeed + i);
    const ownAt = seeds.find((s) => shows[s] === "own") ?? null;
    // A red cell stops at its own symptom.
    const ran = expected === "red" && ownAt !== null ? seeds.filter((s) => s <= ownAt) : seeds;
    const others = (["known", "unknown"] as const).flatMap((what) => {
      const at = ran.filter((s) => shows[s] === what);
      return at.length ? [{ signature: what, seed: at[0]!, count: at.length, known: what === "known" }] : [];
    });
    others.sort((a, b) => a.seed - b.seed);
    const findings = { claim: "bug" as const, expected, universes: ran.length, violations: ran.filter((s) => shows[s]).length, claimed: ownAt === null ? 0 : 1, claimedSeed: ownAt, claimedViolation: ownAt === null ? null : "own", others, crashStates: null };
    const j = judgeCell(findings);
    const seed = j.reported?.seed ?? null;
    return {
      scenario: "s",
      profile: "seed",
      elapsedMs: 1,
      shard,
      ...findings,
      asExpected: j.asExpected,
      because: j.because,
      why: j.why,
      firstFailingSeed: seed,
      failingCut: null,
      firstViolation: j.reported?.violation ?? null,
      replay: seed === null ? null : `npx omnisim replay s --seed ${seed}`,
    };
  };
  const unsharded = whole(1, 20, null);
  const shards = Array.from({ length: n }, (_, i) => {
    const { fromSeed, universes } = shardSeeds(1, 20, { k: i + 1, n });
    return { rows: [whole(fromSeed, universes, { k: i + 1, n, fromSeed: 1, universes: 20, keepGoing: true })] };
  });
  return [{ rows: [unsharded] }, ...shards.reverse()];
}

test("merge-reports picks the universe the unsharded hunt picks, over any split", () => {
  const cases = [
    ["green", { 2: "known", 9: "unknown", 15: "unknown" }],
    ["green", { 2: "known", 4: "known", 17: "own", 18: "unknown" }],
    ["red", { 2: "known", 9: "unknown", 16: "own" }],
    ["red", { 2: "known", 13: "own", 19: "unknown" }],
    ["red", { 3: "known", 12: "known" }],
  ] as const;
  for (const [expected, shows] of cases) {
    for (const n of [2, 3, 4]) {
      const [unsharded, ...shards] = huntShards(n, expected, shows);
      const whole = unsharded!.rows[0]!;
      const merged = mergeHuntReports(shards).rows[0]!;
      const pick = (r: Record<string, unknown>) => [r.asExpected, r.because, r.why, r.firstFailingSeed, r.firstViolation, r.replay, r.universes];
      expect(pick(merged), `${expected} ${JSON.stringify(shows)} in ${n} shards`).toEqual(pick(whole));
    }
  }
});

test("a signature's known flag is its first universe's, as one unsharded hunt judges it", () => {
  const shard = (k: number, other: HuntRow["others"][number]): { rows: HuntRow[] } => {
    const base = { scenario: "s", profile: "seed", expected: "green" as const, claim: "bug" as const, universes: 10, violations: 1, claimed: 0, claimedSeed: null, elapsedMs: 1 };
    const j = judgeCell({ ...base, claimedViolation: null, others: [other], crashStates: null });
    return { rows: [{ ...base, others: [other], shard: { k, n: 2, fromSeed: 1, universes: 20, keepGoing: true }, firstFailingSeed: j.reported?.seed ?? null, replay: `seed ${j.reported?.seed}` }] };
  };
  // The unsharded hunt meets the signature first at seed 3, in company that makes it known.
  const merged = mergeHuntReports([shard(2, { signature: "x", seed: 12, count: 1, known: false }), shard(1, { signature: "x", seed: 3, count: 1, known: true })]).rows[0]!;
  expect(merged).toMatchObject({ asExpected: true, firstFailingSeed: 3, others: [{ signature: "x", seed: 3, count: 2, known: true }] });
});

test("hunt and merge-reports on a scenario file: the unknown bug's seed, not the first violation's nor its own symptom's", () => {
  const dir = mkdtempSync(join(tmpdir(), "omnisim-reported-"));
  const args = ["hunt", "--scenario", "./test/cli/fixtures/late-unknown.ts", "--profile", "seed", "--budget", "12", "--jobs", "1"];
  const whole = omnisimIn(REPO, ...args, "--json");
  expect(whole.code).toBe(1);
  const row = (whole.json!.rows as Record<string, unknown>[])[0]!;
  expect(row).toMatchObject({ asExpected: false, because: "unknown-bug", firstFailingSeed: 5, firstViolation: "acked-delete-undone", claimedSeed: 9 });
  expect(row.replay).toMatch(/ --seed 5$/);
  // Seed 5 shows the expected bug first: the shrink keeps the deciding one wherever it shows,
  // and the tape file it writes replays to it.
  expect(row.tape).toMatchObject({ shrinkMs: expect.any(Number) });
  const fromTape = omnisimIn(REPO, ...String(row.replayTape).split(" ").slice(2), "--json");
  expect((fromTape.json!.violations as { kind: string }[]).map((v) => v.kind)).toContain("acked-delete-undone");
  // On two threads the reported universe is run again on this one: the same seed and trace.
  const threads = (omnisimIn(REPO, ...args.slice(0, -2), "--jobs", "2", "--json").json!.rows as Record<string, unknown>[])[0]!;
  expect([threads.firstFailingSeed, threads.traceHash]).toEqual([5, row.traceHash]);
  const text = omnisimIn(REPO, ...args);
  expect(text.stdout).toContain("  acked-delete-undone: planted: a bug no scenario claims");
  expect(text.stdout).toContain(`  replay: ${String(row.replay)}`);
  const again = omnisimIn(REPO, ...String(row.replay).split(" ").slice(2), "--json");
  expect(again.json!.traceHash).toBe(row.traceHash);
  const files = [1, 2, 3].map((k) => {
    const file = join(dir, `shard-${k}.json`);
    omnisimIn(REPO, ...args, "--no-shrink", "--shard", `${k}/3`, "--report", file);
    return file;
  });
  const merged = omnisimIn(REPO, "merge-reports", ...files, "--json");
  expect(merged.code).toBe(1);
  const mergedRow = (merged.json!.rows as Record<string, unknown>[])[0]!;
  for (const field of ["firstFailingSeed", "firstViolation", "because", "why", "replay", "traceHash", "universes"]) expect(mergedRow[field], field).toEqual(row[field]);
  // Within 4 universes only the expected bug shows: no universe to replay, and the line says so.
  const short = omnisimIn(REPO, "hunt", "--scenario", "./test/cli/fixtures/late-unknown.ts", "--profile", "seed", "--budget", "4", "--jobs", "1", "--json");
  expect((short.json!.rows as Record<string, unknown>[])[0]).toMatchObject({ because: "symptom-not-shown", firstFailingSeed: null, replay: null });
}, 120_000);
