// `--faults` from the command line: a faulted failure names its faults in the printed replay line,
// and that line reproduces its trace hash. The failure is F4 (docs/fixes.md, "Found by storage
// faults"): without `deleteListedSidecar`, a sidecar written under a foreign name is recovered but
// never deleted (upstream's #601 class); with it (fixed), the same universe passes.
import { expect, test } from "vitest";
import { expectUsageError, omnisim } from "./run-cli.ts";

test("run --faults misdirected: the misdirected sidecar outlives recovery without deleteListedSidecar, the printed replay line reproduces it, and fixed is green", () => {
  const plain = omnisim("run", "random-workload", "--profile", "fixed", "--seed", "4", "--seeds", "1", "--json");
  expect(plain.json).toMatchObject({ violations: 0 });
  const run = omnisim("run", "random-workload", "--profile", "fixed", "--fix", "deleteListedSidecar=off", "--faults", "misdirected", "--seed", "4", "--seeds", "1", "--no-shrink", "--json");
  expect(run.code).toBe(1);
  const first = run.json!.firstFailure as { traceHash: string; violation: { kind: string; message: string }; replay: string };
  expect(first.violation.kind).toBe("sidecar-after-recovery");
  expect(first.violation.message).toMatch(/__recovery\/\w+~misdirected\.json/);
  expect(first.replay).toBe("npx omnisim replay random-workload --profile fixed --fix deleteListedSidecar=off --strategy random --seed 4 --faults misdirected");
  const replay = omnisim(...first.replay.split(" ").slice(2), "--json");
  expect(replay.json).toMatchObject({ verdict: "fail", traceHash: first.traceHash });
  const fixed = omnisim("run", "random-workload", "--profile", "fixed", "--faults", "misdirected", "--seed", "4", "--seeds", "1", "--no-shrink", "--json");
  expect(fixed.json).toMatchObject({ violations: 0 });
  expect(expectUsageError(omnisim("run", "random-workload", "--faults", "all", "--backend", "lance", "--seeds", "1"))).toBeNull();
});
