// `omnisim claims [scenario...]`: the claims suite on the command line. Every check of each
// scenario's claim (scenarios/verify/checks.ts: the scripted form, the searched form finding
// its own symptom and searching, attribution both ways, upstream, green on fixed), one line
// each, with the known gaps (scenarios/verify/known-gaps.ts) marked as such. Exit 0 when every
// check holds or is a known gap that still fails, 1 otherwise.
import { performance } from "node:perf_hooks";
import { SCENARIOS } from "../../scenarios/registry.ts";
import { claimCheckGroups } from "../../scenarios/verify/checks.ts";
import { gapOf } from "../../scenarios/verify/known-gaps.ts";
import { parseCount } from "../args.ts";
import { Output, type OutputFlags, reportErrors } from "../output.ts";
import { loadScenario } from "../scenario-ref.ts";

export interface ClaimsFlags extends OutputFlags {
  budget?: string;
}

/** Universes per searched check, as in `npm test`. */
export const DEFAULT_CLAIMS_BUDGET = 400;

type Verdict = "holds" | "fails" | "known gap" | "gap closed";

export async function claimsCommand(refs: readonly string[], flags: ClaimsFlags): Promise<number> {
  const budget = flags.budget !== undefined ? parseCount(flags.budget, "--budget") : DEFAULT_CLAIMS_BUDGET;
  const scenarios = refs.length ? (await Promise.all(refs.map(loadScenario))).map((r) => r.scenario) : SCENARIOS;
  const out = new Output(flags);
  const rows: { scenario: string; group: string; check: string; verdict: Verdict; detail: string; ms: number }[] = [];
  for (const s of scenarios) {
    out.line(`${s.name}:`);
    for (const g of claimCheckGroups(s, budget)) {
      const started = performance.now();
      const results = await g.run();
      const ms = Math.round(performance.now() - started);
      for (const r of results) {
        const gap = gapOf(s.name, r);
        const verdict: Verdict = gap ? (r.ok ? "gap closed" : "known gap") : r.ok ? "holds" : "fails";
        rows.push({ scenario: s.name, group: g.name, check: r.check, verdict, detail: gap && !r.ok ? gap.why : r.detail, ms });
        const mark = verdict === "holds" ? "ok  " : verdict === "known gap" ? "gap " : "FAIL";
        out.line(`  ${mark} ${r.check}: ${verdict === "gap closed" ? `holds now; remove its known-gap entry (${gap!.why})` : rows.at(-1)!.detail}`);
      }
    }
  }
  const bad = rows.filter((r) => r.verdict === "fails" || r.verdict === "gap closed");
  out.line(`${bad.length === 0 ? "ok" : "FAIL"}: ${rows.filter((r) => r.verdict === "holds").length} checks hold, ${rows.filter((r) => r.verdict === "known gap").length} known gaps, ${bad.length} not as claimed`);
  const errors = out.result({ budget, ok: bad.length === 0, checks: rows }, () => ({
    suite: "omnisim claims",
    cases: rows.map((r) => ({
      name: `${r.scenario}: ${r.check}`,
      className: r.scenario,
      seconds: r.ms / 1000,
      failure: r.verdict === "fails" || r.verdict === "gap closed" ? { message: r.detail, type: r.verdict, details: r.detail } : null,
    })),
  }));
  reportErrors(errors);
  return bad.length ? 1 : errors.length ? 2 : 0;
}
