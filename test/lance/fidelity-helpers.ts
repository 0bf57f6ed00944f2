// Running generated sequences through the differential runner inside a property, and what
// every fidelity property checks: no step disagrees without a documented explanation.
import fc from "fast-check";
import { expect } from "vitest";
import { sequences, type SequenceShape } from "../../sim/fidelity/arbitraries.ts";
import { KNOWN_DIVERGENCES } from "../../sim/fidelity/explain.ts";
import type { FidelityOp } from "../../sim/fidelity/ops.ts";
import { runSequence } from "../../sim/fidelity/runner.ts";
import { describeStep, Tally } from "../../sim/fidelity/tally.ts";

const DOCUMENTED = Object.values(KNOWN_DIVERGENCES);

/** Runs `numRuns` sequences of `shape` from a fixed seed; returns the tally of every step. */
export async function assertAgreement(shape: SequenceShape, seed: number, numRuns: number): Promise<Tally> {
  const tally = new Tally();
  await fc.assert(
    fc.asyncProperty(sequences(shape), async (ops: FidelityOp[]) => {
      const result = await runSequence(ops);
      const n = tally.sequences;
      tally.add(result, n);
      const unexplained = result.steps.filter((s) => s.verdict.category === "disagree").map((s) => describeStep(s, n));
      expect(unexplained).toEqual([]);
      const undocumented = result.steps.filter((s) => s.verdict.category === "known" && !DOCUMENTED.some((d) => s.verdict.reason?.startsWith(d)));
      expect(undocumented).toEqual([]);
    }),
    { seed, numRuns },
  );
  return tally;
}

/** How many steps of a label ran, over labels starting with `prefix`. */
export function ran(tally: Tally, prefix: string): number {
  return tally.rows().filter((r) => r.label.startsWith(prefix)).reduce((n, r) => n + r.run, 0);
}
