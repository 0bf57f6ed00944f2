// `omnisim crashes`: crash-state enumeration from the command line. A known crash bug (B-audit:
// a recovery that dies between its audit append and its sidecar delete is audited again by the
// next one) is found among the double faults on the seed and is gone on fixed; the JSON's last
// line carries the counts a CI reads; the printed replay line reproduces the failing cut's future
// to the same trace hash; bad input is one line and exit 2.
import { expect, test } from "vitest";
import { expectUsageError, omnisim } from "./run-cli.ts";

interface CrashesDoc {
  states: number;
  distinctStates: number;
  statesPerSecond: number;
  violations: number;
  writes: number;
  recoveryWrites: number;
  singleCrashes: number;
  doubleFaults: number;
  firstViolation: { seed: number; cut: string; kind: string; traceHash: string; replay: string } | null;
}

test("crashes finds the double-fault audit bug on seed, replays its cut to the same trace hash, and is clean on fixed", () => {
  const red = omnisim("crashes", "audit-twice", "--profile", "seed", "--json");
  expect(red.code).toBe(1);
  const doc = red.json as unknown as CrashesDoc;
  for (const field of ["states", "distinctStates", "statesPerSecond", "violations", "firstViolation"]) expect(doc).toHaveProperty(field);
  expect(doc.violations).toBeGreaterThan(0);
  expect(doc.firstViolation!.kind).toBe("audit-duplicated");
  // A double fault: the recovery itself was cut (`<cut>.<cut of the recovery>`).
  expect(doc.firstViolation!.cut).toMatch(/^\d+[ab]\.\d+[ab]$/);
  expect(doc.firstViolation!.replay).toBe(`npx omnisim replay audit-twice --profile seed --strategy random --seed 1 --cut ${doc.firstViolation!.cut}`);
  const replay = omnisim(...doc.firstViolation!.replay.split(" ").slice(2), "--json");
  expect(replay.code).toBe(1);
  expect(replay.json).toMatchObject({ verdict: "fail", cut: doc.firstViolation!.cut, traceHash: doc.firstViolation!.traceHash });

  const green = omnisim("crashes", "audit-twice", "--profile", "fixed", "--json");
  expect(green.code).toBe(0);
  const g = green.json as unknown as CrashesDoc;
  expect(g).toMatchObject({ violations: 0, firstViolation: null });
  // Every durable write of the universe before and after, and the end; every write of each recovery before and after.
  expect(g.singleCrashes).toBe(2 * g.writes + 1);
  expect(g.doubleFaults).toBe(2 * g.recoveryWrites);
  expect(g.states).toBe(g.singleCrashes + g.doubleFaults);
  expect(g.distinctStates).toBeGreaterThan(0);
  expect(g.distinctStates).toBeLessThan(g.states);

  const single = omnisim("crashes", "audit-twice", "--profile", "fixed", "--no-double-faults", "--json").json as unknown as CrashesDoc;
  expect(single).toMatchObject({ doubleFaults: 0, singleCrashes: g.singleCrashes, states: g.singleCrashes });
});

test("crashes and replay --cut refuse bad input with one line and exit 2", () => {
  expect(expectUsageError(omnisim("crashes", "demo-lost-update"))).toBeNull();
  expect(expectUsageError(omnisim("crashes", "audit-twice", "--faults", "gremlins"))).toBeNull();
  expect(expectUsageError(omnisim("crashes", "no-such-scenario"))).toBeNull();
  expect(expectUsageError(omnisim("replay", "audit-twice", "--seed", "1", "--cut", "0a"))).toBeNull();
  expect(expectUsageError(omnisim("replay", "audit-twice", "--seed", "1", "--cut", "99999a"))).toBeNull();
  expect(expectUsageError(omnisim("run", "audit-twice", "--faults", "all,error"))).toBeNull();
});
