// The command runs from a precompiled bundle of its sources (bin/prebuilt.js). The bundle must
// be the sources: the same verdicts, counts, first failing seed and trace hash as the sources
// run through tsx, on one thread and on workers.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { BIN, REPO } from "./run-cli.ts";

function run(fromSource: boolean, ...args: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, [BIN, ...args, "--json"], {
    encoding: "utf8",
    timeout: 300_000,
    env: { ...process.env, OMNISIM_FROM_SOURCE: fromSource ? "1" : "0" },
  });
  const json = JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as Record<string, unknown>;
  // Only the clock's figures may differ.
  for (const k of ["elapsedMs", "stepsPerSecond", "operationsPerSecond", "universesPerSecond", "jobs"]) delete json[k];
  return { ...json, exit: r.status };
}

test("the built command finds what the sources find, on one thread and on two", () => {
  for (const args of [
    ["random-workload", "--profile", "fixed", "--seeds", "8", "--keep-going", "--no-shrink"],
    ["open-sweep-cas-race", "--seeds", "40", "--no-shrink"],
  ]) {
    const sources = run(true, "run", ...args);
    expect(run(false, "run", ...args)).toEqual(sources);
    expect(run(false, "run", ...args, "--jobs", "2")).toEqual(sources);
  }
  // The run above was served by a build that names the sources it was made from.
  const current = JSON.parse(readFileSync(join(REPO, "dist", "current.json"), "utf8")) as { dir: string; inputs: string[] };
  expect(current.inputs).toContain("cli/main.ts");
  expect(current.inputs).toContain("engine/fixes.ts");
  expect(existsSync(join(REPO, "dist", current.dir, "worker.js"))).toBe(true);
}, 300_000);
