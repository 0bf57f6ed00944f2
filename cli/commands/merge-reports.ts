// `omnisim merge-reports FILE...`: the reports of the n shards of one `run` or `hunt` (one per
// CI job, `--shard k/n`) merged into one verdict, as one unsharded run would have given it: the
// same first failing seed, universes counted and exit code (0 as expected, 1 not). A report file
// holds the command's JSON document: as `--report FILE` writes it, or the output of `--json`,
// whose last line is the document.
import { readFileSync } from "node:fs";
import { UsageError } from "../args.ts";
import { type HuntRow, mergeHuntReports, mergeRunReports, type RunReport } from "../parallel/merge.ts";

export interface MergeFlags {
  json?: boolean;
}

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
    if (flags.json) console.log(JSON.stringify({ command: "hunt", shards: docs.length, rows: merged.rows }));
    else {
      for (const r of merged.rows) {
        const found = r.firstFailingSeed === null ? "no violation" : `first failing seed ${r.firstFailingSeed}`;
        console.log(`${r.asExpected ? "ok  " : "FAIL"} ${r.scenario} on ${r.profile} (expect ${r.expected}): ${r.universes} universe(s) over ${r.shards} shard(s), ${found}`);
      }
      console.log(merged.failed ? "merge-reports: a cell is not as expected" : "merge-reports: every cell as expected");
    }
    return merged.failed ? 1 : 0;
  }
  const { merged, failed } = mergeRunReports(docs as unknown as RunReport[]);
  if (flags.json) console.log(JSON.stringify(merged));
  else {
    const first = merged.firstFailure ? `FAIL at seed ${merged.firstFailure.seed}` : "pass";
    console.log(`${first}: ${merged.scenario} on ${merged.profile}, ${merged.universes} universe(s), ${merged.violations} violation(s), ${merged.shards} shard(s)`);
  }
  return failed ? 1 : 0;
}
