// Shrinking: the tape it returns is no longer than the original, still fails first with the same
// violation kind on the same seed, and `omnisim replay --tape` replays it to that violation.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { findScenario } from "../../scenarios/registry.ts";
import { formSpec } from "../../scenarios/types.ts";
import { firstKind, replayTape, shrinkTape } from "../../sim/shrink/shrink.ts";
import { runUniverse } from "../../sim/universe.ts";
import { omnisim } from "../cli/run-cli.ts";

test("a shrunk tape is no longer than the original and fails first with the same kind", async () => {
  const s = findScenario("demo-lost-update")!;
  const spec = formSpec(s, "searched");
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 500 }), async (seed) => {
      const original = await runUniverse({ spec, seed, fixes: PROFILES.seed });
      fc.pre(original.verdict === "fail");
      const kind = firstKind(original)!;
      const shrunk = await shrinkTape({ spec, fixes: PROFILES.seed, seed, tape: original.tape });
      expect(shrunk.kind).toBe(kind);
      expect(shrunk.after).toBeLessThanOrEqual(original.tape.length);
      const again = await replayTape({ spec, fixes: PROFILES.seed, seed, tape: shrunk.tape });
      expect(firstKind(again)).toBe(kind);
      expect(again.traceHash).toBe(shrunk.result.traceHash);
    }),
    { numRuns: 15, seed: 7 },
  );
});

test("B2' shrinks to one switch between the two inserts", async () => {
  const s = findScenario("card-concurrent-insert")!;
  const spec = formSpec(s, "searched");
  // Seed 6 is the random walk's first universe whose first violation is B2's card-violated.
  const original = await runUniverse({ spec, seed: 6, fixes: PROFILES.seed });
  expect(firstKind(original)).toBe("card-violated");
  const shrunk = await shrinkTape({ spec, fixes: PROFILES.seed, seed: 6, tape: original.tape });
  expect(shrunk.after).toBeLessThan(shrunk.before);
  expect(shrunk.tape.filter((v) => v !== 0)).toHaveLength(1);
  await expect(shrinkTape({ spec, fixes: PROFILES.fixed, seed: 6, tape: original.tape })).rejects.toThrow(/does not reproduce/);
});

test("omnisim shrink prints the minimal schedule and writes a tape that omnisim replay --tape replays", () => {
  const out = join(mkdtempSync(join(tmpdir(), "omnisim-shrink-")), "b2.tape.json");
  const text = omnisim("shrink", "card-concurrent-insert", "--seed", "6", "--out", out);
  expect(text.code).toBe(1);
  expect(text.stdout).toContain("minimal schedule");
  expect(text.stdout).toMatch(/^\s+>?\s+\d+\s+insert-(acme|beta)\s+/m);
  const shrink = omnisim("shrink", "card-concurrent-insert", "--seed", "6", "--out", out, "--json");
  expect(shrink.code).toBe(1);
  const j = shrink.json as { before: number; after: number; tape: number[]; traceHash: string; violation: { kind: string } };
  expect(j.violation.kind).toBe("card-violated");
  expect(j.after).toBeLessThanOrEqual(j.before);
  expect(JSON.parse(readFileSync(out, "utf8"))).toMatchObject({ scenario: "card-concurrent-insert", seed: 6, profile: "seed", tape: j.tape });
  const replay = omnisim("replay", "card-concurrent-insert", "--tape", out, "--json");
  expect(replay.code).toBe(1);
  expect(replay.json).toMatchObject({ verdict: "fail", seed: 6, traceHash: j.traceHash, violation: { kind: "card-violated" } });
});

test("a shrinker that fails never hides the failure: one stderr line, the unshrunk failure stands", async () => {
  const { shrinkOrKeep } = await import("../../cli/failure.ts");
  const s = findScenario("card-concurrent-insert")!;
  const spec = formSpec(s, "searched");
  const original = await runUniverse({ spec, seed: 6, fixes: PROFILES.seed });
  expect(firstKind(original)).toBe("card-violated");
  // The failure's tape is replayed on `fixed`, where it does not reproduce: shrinking throws.
  const failure = {
    scenario: s,
    ref: s.name,
    form: "searched" as const,
    spec,
    profile: { label: "fixed", fixes: PROFILES.fixed, argv: ["--profile", "fixed"] },
    strategy: null,
    member: null,
    result: original,
    backend: "virtual" as const,
  };
  const written: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    expect(await shrinkOrKeep(failure, { maxReplays: 50 })).toBeNull();
  } finally {
    process.stderr.write = write;
  }
  expect(written.join("")).toMatch(/shrinking card-concurrent-insert seed 6 failed \(.*does not reproduce.*\); the failure above stands unshrunk/);
});

test("a shrink stops at its budget of scheduling points and says so, the same way on every run", async () => {
  const s = findScenario("card-concurrent-insert")!;
  const spec = formSpec(s, "searched");
  const original = await runUniverse({ spec, seed: 6, fixes: PROFILES.seed });
  const free = await shrinkTape({ spec, fixes: PROFILES.seed, seed: 6, tape: original.tape });
  expect(free.budgetSpent).toBe(false);
  // Room for the first replay and a few candidates only: the shrink ends early, keeps the same
  // signature, and two runs with the same budget agree on every number.
  const maxSteps = original.steps * 4;
  const tight = await shrinkTape({ spec, fixes: PROFILES.seed, seed: 6, tape: original.tape, maxSteps });
  const again = await shrinkTape({ spec, fixes: PROFILES.seed, seed: 6, tape: original.tape, maxSteps });
  expect(tight.budgetSpent).toBe(true);
  expect(tight.replays).toBeLessThan(free.replays);
  expect(firstKind(tight.result)).toBe("card-violated");
  expect(again).toMatchObject({ tape: tight.tape, replays: tight.replays, steps: tight.steps });
  expect(tight.result.traceHash).toBe(again.result.traceHash);
});

test("a hunt's deciding violation that follows another is kept wherever it shows; kept first it does not reproduce", async () => {
  const { violationSignature } = await import("../../sim/shrink/signature.ts");
  // A known bug always shows first; the unknown one only when the second choice draws 3.
  const spec = {
    name: "late-decider",
    async direct(world: import("../../sim/world.ts").World) {
      world.choose("noise", 4);
      const decides = world.choose("decides", 4);
      world.violation({ kind: "lost-update", message: "planted: a known bug, first" });
      if (decides === 3) world.violation({ kind: "acked-delete-undone", message: "planted: the deciding bug, after it" });
    },
  };
  const original = await replayTape({ spec, fixes: PROFILES.seed, seed: 1, tape: [2, 3] });
  expect(original.violations.map((v) => v.kind)).toEqual(["lost-update", "acked-delete-undone"]);
  const decider = violationSignature(original.violations[1]!);
  const shrunk = await shrinkTape({ spec, fixes: PROFILES.seed, seed: 1, tape: original.tape, signature: decider, anywhere: true });
  expect(shrunk.tape).toEqual([0, 3]);
  expect(shrunk.result.violations.map((v) => v.kind)).toEqual(["lost-update", "acked-delete-undone"]);
  // Kept first (the default), the deciding violation is not this tape's failure at all.
  await expect(shrinkTape({ spec, fixes: PROFILES.seed, seed: 1, tape: original.tape, signature: decider })).rejects.toThrow(/does not reproduce/);
  // And shrinking for the first violation alone loses it: what the hunt must not do.
  expect((await shrinkTape({ spec, fixes: PROFILES.seed, seed: 1, tape: original.tape })).tape).toEqual([]);
});
