// The reach ledger as a command prints it (`hunt`, `crashes`): how many failpoint windows the
// search reached, armed and crashed in, the universes it took to first do each, and for every
// window never reached what would reach it. The JSON reports carry the same, whole.
import { REACHED_BY } from "../failpoints/reach.ts";
import type { FailpointName } from "../failpoints/catalog.ts";
import type { CoverageData, WindowCoverage } from "../sim/coverage.ts";

export interface CoverageReport extends CoverageData {
  /** Windows no universe reached, with what would reach them. */
  readonly neverReached: readonly { readonly name: string; readonly wouldReachIt: string }[];
}

export function coverageReport(data: CoverageData): CoverageReport {
  return {
    ...data,
    neverReached: data.windows.filter((w) => w.firstReached === null).map((w) => ({ name: w.name, wouldReachIt: REACHED_BY[w.name as FailpointName] })),
  };
}

/** `unit`: what the ledger counts (universes, or seeds for crash-state enumeration). */
export function coverageLines(data: CoverageData, options: { details: boolean; unit: string }): string[] {
  const ws = data.windows;
  const count = (f: (w: WindowCoverage) => number | null) => ws.filter((w) => f(w) !== null).length;
  const lines = [
    `reach: ${count((w) => w.firstReached)} of ${ws.length} failpoint windows reached, ${count((w) => w.firstArmed)} armed, ${count((w) => w.firstCrashed)} crashed in, over ${data.universes} ${options.unit}`,
  ];
  if (options.details) {
    const at = (first: number | null, n: number) => (first === null ? "-" : `${n} (first @${first})`);
    const rows = ws.filter((w) => w.firstReached !== null).map((w) => [w.name, at(w.firstReached, w.reached), at(w.firstArmed, w.armed), at(w.firstCrashed, w.crashed)]);
    const header = ["window", `reached in (${options.unit})`, "armed in", "crashed in"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [header, ...rows]) lines.push(`  ${r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()}`);
  }
  const never = ws.filter((w) => w.firstReached === null);
  // The list of what would reach each is long (most are operations not modelled yet): --details and the JSON.
  if (never.length > 0 && !options.details) lines.push(`  ${never.length} never reached (--details, or coverage.neverReached in --json, says what would reach each)`);
  if (never.length > 0 && options.details) {
    lines.push(`  never reached (what would reach it):`);
    for (const w of never) lines.push(`    ${w.name}: ${REACHED_BY[w.name as FailpointName]}`);
  }
  const unarmed = ws.filter((w) => w.firstReached !== null && w.firstArmed === null);
  if (unarmed.length > 0 && options.details) lines.push(`  reached, never armed: ${unarmed.map((w) => w.name).join(", ")}`);
  return lines;
}
