import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { omnisim } from "./run-cli.ts";

test("run finds the demo's lost update, names the seed, and replay reproduces its trace hash", () => {
  const run = omnisim("run", "demo-lost-update", "--seeds", "200", "--json");
  expect(run.code).toBe(1);
  const first = run.json!.firstFailure as { seed: number; traceHash: string; violation: { kind: string } };
  expect(first.violation.kind).toBe("lost-update");
  expect(run.json!.firstFailure).toMatchObject({ replay: `npx omnisim replay demo-lost-update --profile seed --strategy random --seed ${first.seed}` });
  const replay = omnisim("replay", "demo-lost-update", "--seed", String(first.seed), "--json");
  expect(replay.code).toBe(1);
  expect(replay.json).toMatchObject({ verdict: "fail", traceHash: first.traceHash, seed: first.seed });
  const again = omnisim("replay", "demo-lost-update", "--seed", "3", "--json");
  expect(omnisim("replay", "demo-lost-update", "--seed", "3", "--json").json!.traceHash).toBe(again.json!.traceHash);
});

test("the locked variant (fixed) stays green over 1,000 seeds", () => {
  const run = omnisim("run", "demo-lost-update", "--profile", "fixed", "--seeds", "1000", "--json");
  expect(run.code).toBe(0);
  expect(run.json).toMatchObject({ universes: 1000, violations: 0, firstFailure: null });
});

test("replay writes the JSONL trace and accepts a tape file", () => {
  const dir = mkdtempSync(join(tmpdir(), "omnisim-cli-"));
  const tracePath = join(dir, "trace.jsonl");
  const r = omnisim("replay", "demo-lost-update", "--seed", "3", "--trace", tracePath, "--json");
  const lines = readFileSync(tracePath, "utf8").trim().split("\n");
  expect(lines.length).toBeGreaterThan(5);
  expect(JSON.parse(lines[lines.length - 1]!)).toMatchObject({ e: "verdict", verdict: "fail" });
  // A tape of all zeros runs each writer to completion in turn: no lost update.
  const tapePath = join(dir, "tape.json");
  writeFileSync(tapePath, JSON.stringify({ tape: [] }));
  const sequential = omnisim("replay", "demo-lost-update", "--seed", "3", "--tape", tapePath, "--json");
  expect(sequential.json).toMatchObject({ verdict: "pass" });
  expect(r.json!.traceHash).not.toBe(sequential.json!.traceHash);
});

test("bad input is one line on stderr and exit code 2, never a stack trace", () => {
  const dir = mkdtempSync(join(tmpdir(), "omnisim-cli-"));
  const badTape = join(dir, "bad.json");
  writeFileSync(badTape, "{ not json");
  const cases = [
    ["run", "no-such-scenario"],
    ["run", "demo-lost-update", "--seed", "x1"],
    ["run", "demo-lost-update", "--seeds", "0"],
    ["run", "demo-lost-update", "--profile", "nope"],
    ["run", "demo-lost-update", "--fix", "fix999=on"],
    ["replay", "demo-lost-update", "--tape", join(dir, "missing.json")],
    ["replay", "demo-lost-update", "--tape", badTape],
    ["frobnicate"],
  ];
  for (const args of cases) {
    const r = omnisim(...args);
    expect(r.code, args.join(" ")).toBe(2);
    expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    expect(r.stderr, args.join(" ")).not.toMatch(/\n\s+at /);
  }
});

test("list shows every scenario with its bug; help exists for every command", () => {
  const list = omnisim("list");
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(/^demo-lost-update\s+demo\s+red on seed/m);
  for (const cmd of ["list", "run", "replay", "hunt"]) {
    const help = omnisim(cmd, "--help");
    expect(help.code, cmd).toBe(0);
    expect(help.stdout, cmd).toMatch(/Usage: omnisim/);
  }
});

test("replay --backend lance: B1's script fails on real Lance with the same ExpectedVersionMismatch and trace hash, passes on fixed", () => {
  const onLance = omnisim("replay", "open-sweep-cas-race", "--scripted", "--profile", "seed", "--backend", "lance", "--json");
  const onModel = omnisim("replay", "open-sweep-cas-race", "--scripted", "--profile", "seed", "--json");
  expect(onLance.code).toBe(1);
  expect(onLance.json).toMatchObject({ verdict: "fail", backend: "lance", violation: { kind: "open-failed" } });
  expect(String((onLance.json!.violation as { message: string }).message)).toContain("ExpectedVersionMismatch");
  expect(onLance.json!.traceHash).toBe(onModel.json!.traceHash);
  const fixed = omnisim("replay", "open-sweep-cas-race", "--scripted", "--profile", "fixed", "--backend", "lance", "--json");
  expect(fixed.code).toBe(0);
  expect(omnisim("replay", "open-sweep-cas-race", "--backend", "s3").code).toBe(2);
  expect(omnisim("replay", "open-sweep-cas-race", "--keep").code).toBe(2);
});
