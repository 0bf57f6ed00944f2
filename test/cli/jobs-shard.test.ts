// --jobs and --shard on the command line: any split of the seeds gives the verdict, first
// failing seed and trace hash of one unsharded run on one thread.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { omnisim } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "omnisim-shards-"));
const pick = (j: Record<string, unknown> | null) => {
  const f = j?.firstFailure as { seed: number; traceHash: string } | null | undefined;
  return { universes: j?.universes, violations: j?.violations, steps: j?.steps, seed: f?.seed ?? null, traceHash: f?.traceHash ?? null };
};

test("run --jobs 2 gives what one thread gives, failing or clean", () => {
  for (const args of [
    ["card-concurrent-insert", "--seeds", "120"],
    ["open-sweep-cas-race", "--seeds", "60", "--keep-going"],
    ["sidecar-list-get-race", "--profile", "fixed", "--seeds", "40"],
  ]) {
    const one = omnisim("run", ...args, "--no-shrink", "--json");
    const two = omnisim("run", ...args, "--no-shrink", "--json", "--jobs", "2");
    expect(two.code).toBe(one.code);
    expect(pick(two.json)).toEqual(pick(one.json));
    expect(two.json?.jobs).toBe(2);
    expect(typeof one.json?.stepsPerSecond).toBe("number");
  }
}, 240_000);

test("four shards and merge-reports: the verdict and first failing seed of one run", () => {
  for (const [name, extra] of [
    ["card-concurrent-insert", []],
    ["sidecar-list-get-race", ["--profile", "fixed"]],
  ] as const) {
    const whole = omnisim("run", name, ...extra, "--seeds", "80", "--no-shrink", "--json");
    const files = [1, 2, 3, 4].map((k) => {
      const r = omnisim("run", name, ...extra, "--seeds", "80", "--no-shrink", "--json", "--shard", `${k}/4`);
      expect((r.json?.shard as { k: number }).k).toBe(k);
      const file = join(dir, `${name}-${k}.json`);
      writeFileSync(file, r.stdout);
      return file;
    });
    const merged = omnisim("merge-reports", ...files.reverse(), "--json");
    expect(merged.code).toBe(whole.code);
    expect(pick(merged.json)).toMatchObject({ universes: whole.json?.universes, violations: whole.json?.violations, seed: pick(whole.json).seed, traceHash: pick(whole.json).traceHash });
  }
}, 240_000);

test("merge-reports refuses an incomplete set of shards, and bad --shard and --jobs", () => {
  const r = omnisim("run", "card-concurrent-insert", "--seeds", "20", "--no-shrink", "--json", "--shard", "1/2");
  const file = join(dir, "half.json");
  writeFileSync(file, r.stdout);
  const merged = omnisim("merge-reports", file);
  expect(merged.code).toBe(2);
  expect(merged.stderr).toMatch(/missing 2\/2/);
  expect(omnisim("run", "card-concurrent-insert", "--shard", "3/2").code).toBe(2);
  expect(omnisim("run", "card-concurrent-insert", "--jobs", "0").code).toBe(2);
}, 120_000);

test("hunt --jobs 2 and hunt --jobs 1 fill the same table", () => {
  const args = ["hunt", "--scenario", "card-concurrent-insert", "--scenario", "sidecar-list-get-race", "--budget", "40", "--no-shrink", "--json"];
  const cells = (j: Record<string, unknown> | null) =>
    (j?.rows as Record<string, unknown>[]).map((r) => [r.scenario, r.profile, r.universes, r.violations, r.claimedSeed, r.others, r.distinctExecutions, r.steps, r.asExpected]);
  const one = omnisim(...args, "--jobs", "1");
  const two = omnisim(...args, "--jobs", "2");
  expect(two.code).toBe(one.code);
  expect(cells(two.json)).toEqual(cells(one.json));
  expect(two.json?.jobs).toBe(2);
}, 240_000);
