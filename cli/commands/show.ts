// `omnisim show trace.jsonl`: renders a trace saved with `replay --trace` as the same timeline
// `replay` prints. Every line must be one event of the trace schema (docs/trace.md); a line
// that is not is refused with its number.
import { readFileSync } from "node:fs";
import { TRACE_EVENT_NAMES, type TraceEvent } from "../../sim/trace.ts";
import { UsageError } from "../args.ts";
import { describeFsError } from "../artefacts.ts";
import { renderTimeline } from "../timeline.ts";

export function parseTraceLines(text: string, file: string): TraceEvent[] {
  const events: TraceEvent[] = [];
  const lines = text.split("\n");
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    let ev: unknown;
    try {
      ev = JSON.parse(line);
    } catch {
      throw new UsageError(`${file} line ${i + 1} is not JSON: a trace has one JSON event a line (write one with \`npx omnisim replay ... --trace FILE\`)`);
    }
    const e = (ev as { e?: unknown } | null)?.e;
    if (typeof e !== "string" || !(TRACE_EVENT_NAMES as readonly string[]).includes(e)) {
      throw new UsageError(`${file} line ${i + 1} is not a trace event (its "e" is ${JSON.stringify(e)}; see docs/trace.md)`);
    }
    events.push(ev as TraceEvent);
  }
  if (events.length === 0) throw new UsageError(`${file} holds no trace events`);
  return events;
}

export function showCommand(file: string, flags: { verbose?: boolean }): number {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read trace file ${file}: ${describeFsError(e)}`);
  }
  const events = parseTraceLines(text, file);
  for (const line of renderTimeline(events, { verbose: flags.verbose ?? false })) console.log(line);
  const verdict = events.findLast((e) => e.e === "verdict");
  if (verdict?.e === "verdict") console.log(`verdict: ${verdict.verdict}${verdict.violations.length ? ` (${verdict.violations.join(", ")})` : ""}`);
  return 0;
}
