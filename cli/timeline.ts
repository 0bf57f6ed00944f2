// Renders a universe's trace as a readable timeline: one line per step (actor, step, result),
// plus failpoint decisions, crashes, choices, finishes and violations.
import type { TraceEvent } from "../sim/trace.ts";

function brief(value: unknown): string {
  const s = JSON.stringify(value) ?? "null";
  return s.length > 100 ? `${s.slice(0, 97)}...` : s;
}

function errorText(err: Record<string, unknown>): string {
  const kind = err.kind ? `${String(err.kind)}` : String(err.name ?? "error");
  const details = err.details ? ` ${brief(err.details)}` : "";
  return `${kind}${details}: ${String(err.message ?? "")}`;
}

export function renderTimeline(events: readonly TraceEvent[], options: { verbose?: boolean } = {}): string[] {
  const out: string[] = [];
  const width = Math.max(8, ...events.filter((e) => typeof e.actor === "string").map((e) => (e.actor as string).length));
  const pad = (s: string) => s.padEnd(width);
  let open: { index: number; actor: string } | null = null;
  for (const ev of events) {
    switch (ev.e) {
      case "grant": {
        const step = String(ev.step);
        if (!options.verbose && (step === "start" || step.startsWith("failpoint "))) {
          open = null;
          break;
        }
        out.push(`${String(ev.n).padStart(5)}  ${pad(String(ev.actor))}  ${step}`);
        open = { index: out.length - 1, actor: String(ev.actor) };
        break;
      }
      case "io": {
        const result = "err" in ev ? `ERR ${errorText(ev.err as Record<string, unknown>)}` : brief(ev.ok);
        if (open && open.actor === ev.actor) out[open.index] += `  -> ${result}`;
        else out.push(`       ${pad(String(ev.actor))}  ${String(ev.op)} -> ${result}`);
        open = null;
        break;
      }
      case "failpoint":
        if (ev.decision !== "pass" || options.verbose) out.push(`       ${pad(String(ev.actor))}  failpoint ${String(ev.name)}: ${String(ev.decision)}`);
        break;
      case "crash":
        out.push(`       ** crash of process ${String(ev.proc)} (${String(ev.cause)}); killed ${(ev.killed as string[]).join(", ") || "no actor"}`);
        break;
      case "choose":
        out.push(`       choice "${String(ev.label)}" = ${String(ev.v)} of ${String(ev.n)}`);
        break;
      case "finish":
        out.push(`       ${pad(String(ev.actor))}  finished`);
        break;
      case "fail":
        out.push(`       ${pad(String(ev.actor))}  FAILED ${errorText(ev.error as Record<string, unknown>)}`);
        break;
      case "note":
        out.push(`       ${pad(String(ev.actor ?? ""))}  # ${String(ev.text)}`);
        break;
      case "violation":
        out.push(`  !!   violation ${String(ev.kind)}: ${String(ev.message)}`);
        break;
      case "escape":
        out.push(`  !!   escape: ${String(ev.actor)} left the world after "${String(ev.lastStep)}"`);
        break;
      default:
        break;
    }
  }
  return out;
}
