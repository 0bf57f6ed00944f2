// `omnisim merge-reports FILE...`: the reports of the n shards of one `run` or `hunt` (one per
// CI job, `--shard k/n`) merged into one verdict, as one unsharded run would have given it: the
// same first failing seed, universes counted and exit code (0 as expected, 1 not). A report file
// holds the command's JSON document: as `--report FILE` writes it, or the output of `--json`,
// whose last line is the document.
import { readFileSync } from "node:fs";
import { UsageError } from "../args.ts";
import { Output, type OutputFlags, reportErrors } from "../output.ts";
import { huntJunitCase } from "./hunt.ts";
import { type HuntRow, mergeHuntReports, mergeRunReports, type RunReport } from "../parallel/merge.ts";

export interface MergeFlags extends OutputFlags {}

function readReport(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read the report ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const candidates = [text, ...text.trim().split("\n").reverse()];
  for (const c of candidates) {
    try {
      const doc = JSON.parse(c) as unknown;
      if (doc !== null && typeof doc === "object" && !Array.isArray(doc)) return doc as Record<string, unknown>;
    } catch {
      // not this one
    }
  }
  throw new UsageError(`${path} holds no JSON report (write one with --report FILE, or keep the output of --json)`);
}

export function mergeReportsCommand(files: readonly string[], flags: MergeFlags): number {
  const docs = files.map(readReport);
  const hunts = docs.filter((d) => Array.isArray(d.rows)).length;
  if (hunts !== 0 && hunts !== docs.length) throw new UsageError("cannot merge hunt reports with run reports");
  if (hunts > 0) {
    const merged = mergeHuntReports(docs as unknown as { rows: HuntRow[] }[]);
    const out = new Output(flags);
    for (const r of merged.rows) {
      const unknown = r.others.filter((o) => !o.known).length;
      const found = `${r.claimedSeed === null ? "its own symptom not shown" : `its own symptom first at seed ${r.claimedSeed}`}${unknown ? `, ${unknown} unknown bug(s)` : ""}`;
      out.line(`${r.asExpected ? "ok  " : "FAIL"} ${r.scenario} on ${r.profile} (expect ${r.expected}): ${r.universes} universe(s) over ${r.shards} shard(s), ${found}`);
      if (typeof r.why === "string") out.line(`       why: ${r.why}`);
      if (typeof r.replay === "string") out.line(`       replay: ${r.replay}`);
    }
    out.line(merged.failed ? "merge-reports: a cell is not as expected" : "merge-reports: every cell as expected");
    const doc = { command: "hunt", shards: docs.length, ok: !merged.failed, rows: merged.rows };
    reportErrors(out.result(doc, () => ({ suite: "omnisim hunt", cases: merged.rows.map((r) => huntJunitCase(r as never)) })));
    return merged.failed ? 1 : 0;
  }
  const { merged, failed } = mergeRunReports(docs as unknown as RunReport[]);
  const out = new Output(flags);
  const first = merged.firstFailure ? `FAIL at seed ${merged.firstFailure.seed}` : "pass";
  out.line(`${first}: ${merged.scenario} on ${merged.profile}, ${merged.universes} universe(s), ${merged.violations} violation(s), ${merged.shards} shard(s)`);
  const replay = (merged.firstFailure as { replay?: unknown } | null)?.replay;
  if (typeof replay === "string") out.line(`  replay: ${replay}`);
  const junit = () => ({
    suite: `omnisim run ${merged.scenario}`,
    cases: [
      {
        name: `${merged.scenario} on ${merged.profile}`,
        className: merged.scenario,
        seconds: merged.elapsedMs / 1000,
        failure: merged.firstFailure ? { message: `violation at seed ${merged.firstFailure.seed}: ${String(replay ?? "")}`, type: "violation", details: String(replay ?? "") } : null,
      },
    ],
  });
  reportErrors(out.result(merged, junit));
  return failed ? 1 : 0;
}
