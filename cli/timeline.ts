// Renders a universe's trace as a readable timeline: one line per step (actor, step, result),
// with failpoint decisions, crashes, choices, each logical operation's outcome where it ends,
// finishes and violations. Tables carry their graph names (`node:Person`), and a `>` in the
// gutter marks each switch point: a step granted to another actor than the step before it.
import { canonicalJson, type TraceEvent, type TracedError } from "../sim/trace.ts";
import { nameTables, tableNames } from "./table-names.ts";
import { STORAGE_FAULT_CHOICE } from "../sim/faults/plan.ts";

export interface TimelineOptions {
  /** Show every scheduling point, including actor starts and failpoints that passed. */
  readonly verbose?: boolean;
}

function errorText(err: TracedError): string {
  const details = err.details ? ` ${brief(err.details)}` : "";
  return `${err.kind ?? err.name}${details}: ${err.message}`;
}

/** A result as the trace file has it (canonical JSON), so `show` prints what `replay` printed. */
function brief(value: unknown): string {
  const s = canonicalJson(value);
  return s.length > 100 ? `${s.slice(0, 97)}...` : s;
}

/** The gutter: a switch marker and the step number, or blanks. */
const GUTTER = 8;
const gutter = (n: number | null, switched: boolean) => `${switched ? ">" : " "}${n === null ? "" : String(n).padStart(5)}`.padEnd(GUTTER);

export function renderTimeline(events: readonly TraceEvent[], options: TimelineOptions = {}): string[] {
  const names = tableNames(events);
  const named = (s: string) => nameTables(s, names);
  const out: string[] = [];
  const width = Math.max(8, ...events.map((e) => ("actor" in e && typeof e.actor === "string" ? e.actor.length : 0)));
  const pad = (s: string) => s.padEnd(width);
  const line = (actor: string, text: string) => out.push(`${gutter(null, false)}${pad(actor)}  ${named(text)}`);
  let open: { index: number; actor: string } | null = null;
  let lastActor: string | null = null;
  for (const ev of events) {
    switch (ev.e) {
      case "grant": {
        if (!options.verbose && (ev.step === "start" || ev.step.startsWith("failpoint "))) {
          open = null;
          break;
        }
        const switched = lastActor !== null && ev.actor !== lastActor;
        lastActor = ev.actor;
        out.push(`${gutter(ev.n, switched)}${pad(ev.actor)}  ${named(ev.step)}`);
        open = { index: out.length - 1, actor: ev.actor };
        break;
      }
      case "io": {
        const result = ev.err !== undefined ? `ERR ${errorText(ev.err)}` : brief(ev.ok);
        if (open && open.actor === ev.actor) out[open.index] += `  -> ${named(result)}`;
        else line(ev.actor, `${ev.op} -> ${result}`);
        open = null;
        break;
      }
      case "failpoint":
        if (ev.decision !== "pass" || options.verbose) line(ev.actor, `failpoint ${ev.name}: ${ev.decision}`);
        break;
      case "crash":
        out.push(`${gutter(null, false)}** crash of process ${ev.proc} (${ev.cause}); killed ${ev.killed.join(", ") || "no actor"}`);
        break;
      case "choose":
        // A storage fault plan's choice shows as its fault, when one strikes (`fault` below).
        if (options.verbose || !ev.label.startsWith(STORAGE_FAULT_CHOICE)) out.push(`${gutter(null, false)}choice "${ev.label}" = ${ev.v} of ${ev.n}`);
        break;
      case "fault":
        line(ev.actor, `** storage fault ${ev.kind} on ${ev.op}${ev.subject ? ` ${ev.subject}` : ""}${faultDetail(ev)}`);
        break;
      case "stall":
        line(ev.actor, `** stall: runnable, not granted for ${ev.ms.toLocaleString("en-US")} ms before ${ev.step} (past the lease)`);
        break;
      case "excused":
        out.push(`  ..    excused ${ev.violation} (${ev.as}): ${named(ev.why)}`);
        break;
      case "op":
        line(ev.actor, `= ${ev.label} -> ${ev.status === "err" ? `err ${ev.error ?? "error"}` : ev.status}`);
        break;
      case "finish":
        line(ev.actor, "finished");
        break;
      case "fail":
        line(ev.actor, `FAILED ${errorText(ev.error)}`);
        break;
      case "violation":
        out.push(`  !!    violation ${ev.kind}: ${named(ev.message)}`);
        break;
      case "escape":
        out.push(`  !!    escape: ${ev.actor} left the world after "${ev.lastStep}"`);
        break;
      case "process":
      case "spawn":
      case "verdict":
        break;
    }
  }
  return out;
}

function faultDetail(ev: Extract<TraceEvent, { e: "fault" }>): string {
  const parts = [
    ev.key !== undefined ? `landed at ${ev.key}` : null,
    ev.bytes !== undefined ? `${ev.bytes} bytes kept` : null,
    ev.delayMs !== undefined ? `held ${ev.delayMs} ms` : null,
    ev.back !== undefined ? `read ${ev.back} durable state(s) back` : null,
    ev.limit ? "beyond what any engine survives by design" : null,
  ].filter(Boolean);
  return parts.length ? ` (${parts.join("; ")})` : "";
}

/** The steps of the actors, without the director's setup and checks (a minimal schedule). */
export function scheduleLines(events: readonly TraceEvent[]): string[] {
  return renderTimeline(events).filter((l) => l.slice(GUTTER).split(/\s+/, 1)[0] !== "director");
}
