// A universe as a Chrome/Perfetto trace (`replay --perfetto FILE`), in the Trace Event Format
// (a JSON array of events), written with chrome-trace-event. Each simulated process is a
// process and each actor a thread, so every actor has its own track. Each granted step is a
// complete ("X") slice on its actor's track, from its grant to the next grant, on the virtual
// clock (1 virtual ms = 1000 trace us); storage calls carry their result, failpoints their
// decision. Crashes, operation outcomes and violations are instant ("i") events.
//
// The trace does not record the clock; it is rebuilt exactly from the scheduler's rule: each
// grant moves the clock one millisecond, and a sleeper is granted no earlier than its deadline
// (its previous grant's time plus the sleep), the clock jumping there if nobody else can run.
import { Tracer } from "chrome-trace-event";
import type { TraceEvent } from "../sim/trace.ts";
import { nameTables, tableNames } from "./table-names.ts";

/** One Trace Event Format event, as written. */
export interface TraceFormatEvent {
  readonly name: string;
  readonly ph: "X" | "i" | "M";
  readonly ts: number;
  readonly pid: number;
  readonly tid: number;
  readonly dur?: number;
  readonly s?: "g" | "p" | "t";
  readonly cat?: string;
  readonly args?: Record<string, unknown>;
}

const US_PER_MS = 1000;
const SLEEP = /^sleep (\d+)ms$/;

/** Virtual milliseconds since the universe started, per grant index. */
export function grantTimes(events: readonly TraceEvent[]): number[] {
  const times: number[] = [];
  const lastGrant = new Map<string, number>();
  let t = 0;
  for (const ev of events) {
    if (ev.e !== "grant") continue;
    const sleep = SLEEP.exec(ev.step);
    const earliest = sleep ? (lastGrant.get(ev.actor) ?? 0) + Number(sleep[1]) : 0;
    t = Math.max(t, earliest) + 1;
    lastGrant.set(ev.actor, t);
    times.push(t);
  }
  return times;
}

export function perfettoEvents(events: readonly TraceEvent[], title: string): TraceFormatEvent[] {
  const names = tableNames(events);
  const named = (s: string) => nameTables(s, names);
  const tracer = new Tracer({ noStream: true, objectMode: true });
  const emit = (ph: TraceFormatEvent["ph"], fields: Omit<TraceFormatEvent, "ph" | "cat"> & { cat?: string[] }) => tracer.mkEventFunc(ph)(fields);
  const pids = new Map<string, number>();
  const tids = new Map<string, { pid: number; tid: number }>();
  const procOf = new Map<string, string>();
  let nextTid = 1;
  const pidOf = (proc: string) => {
    let pid = pids.get(proc);
    if (pid === undefined) {
      pid = pids.size + 1;
      pids.set(proc, pid);
      emit("M", { name: "process_name", ts: 0, pid, tid: 0, args: { name: proc } });
      emit("M", { name: "process_sort_index", ts: 0, pid, tid: 0, args: { sort_index: pid } });
    }
    return pid;
  };
  const track = (actor: string) => {
    let t = tids.get(actor);
    if (!t) {
      t = { pid: pidOf(procOf.get(actor) ?? "world"), tid: nextTid++ };
      tids.set(actor, t);
      emit("M", { name: "thread_name", ts: 0, pid: t.pid, tid: t.tid, args: { name: actor } });
    }
    return t;
  };
  const times = grantTimes(events);
  let grant = -1;
  let open: { actor: string; name: string; ts: number; args: Record<string, unknown>; cat: string } | null = null;
  const now = () => (grant < 0 ? 0 : times[grant]! * US_PER_MS);
  const close = (end: number) => {
    if (!open) return;
    const t = track(open.actor);
    emit("X", { name: open.name, cat: [open.cat], ts: open.ts, dur: Math.max(1, end - open.ts), pid: t.pid, tid: t.tid, args: open.args });
    open = null;
  };
  for (const ev of events) {
    switch (ev.e) {
      case "process":
        pidOf(ev.proc);
        break;
      case "spawn":
        procOf.set(ev.actor, ev.proc);
        track(ev.actor);
        break;
      case "grant": {
        grant++;
        close(now());
        const cat = ev.step.startsWith("failpoint ") ? "failpoint" : /^(datasets|manifest|objects)\./.test(ev.step) ? "storage" : "step";
        open = { actor: ev.actor, name: named(ev.step), ts: now(), args: { step: ev.n }, cat };
        break;
      }
      case "io":
        if (open && open.actor === ev.actor) open.args = { ...open.args, ...(ev.err ? { error: named(`${ev.err.kind ?? ev.err.name}: ${ev.err.message}`) } : { result: ev.ok ?? null }) };
        break;
      case "failpoint":
        if (open && open.actor === ev.actor) open.args = { ...open.args, failpoint: ev.name, decision: ev.decision };
        else if (ev.decision !== "pass") {
          const t = track(ev.actor);
          emit("i", { name: `failpoint ${ev.name}: ${ev.decision}`, cat: ["failpoint"], ts: now(), s: "t", pid: t.pid, tid: t.tid });
        }
        break;
      case "crash":
        emit("i", { name: `crash of ${ev.proc}`, cat: ["crash"], ts: now(), s: "p", pid: pidOf(ev.proc), tid: 0, args: { cause: ev.cause, killed: ev.killed } });
        break;
      case "op": {
        const t = track(ev.actor);
        emit("i", { name: `${ev.label} -> ${ev.status === "err" ? `err ${ev.error ?? "error"}` : ev.status}`, cat: ["operation"], ts: now(), s: "t", pid: t.pid, tid: t.tid });
        break;
      }
      case "violation":
        emit("i", { name: `violation ${ev.kind}`, cat: ["violation"], ts: now(), s: "g", pid: 0, tid: 0, args: { message: named(ev.message) } });
        break;
      case "escape":
        emit("i", { name: `escape of ${ev.actor}`, cat: ["violation"], ts: now(), s: "g", pid: 0, tid: 0, args: { lastStep: ev.lastStep } });
        break;
      case "stall": {
        const t = track(ev.actor);
        emit("i", { name: `stall of ${ev.ms} ms before ${ev.step}`, cat: ["fault"], ts: now(), s: "t", pid: t.pid, tid: t.tid });
        break;
      }
      case "fault": {
        const t = track(ev.actor);
        emit("i", { name: `storage fault ${ev.kind} on ${ev.op}`, cat: ["fault"], ts: now(), s: "t", pid: t.pid, tid: t.tid, args: { subject: named(ev.subject), ...(ev.key ? { key: ev.key } : {}) } });
        break;
      }
      case "excused":
        emit("i", { name: `excused ${ev.violation} (${ev.as})`, cat: ["violation"], ts: now(), s: "g", pid: 0, tid: 0, args: { why: named(ev.why) } });
        break;
      case "choose":
      case "finish":
      case "fail":
      case "verdict":
        break;
    }
  }
  close(now() + US_PER_MS);
  emit("M", { name: "process_name", ts: 0, pid: 0, tid: 0, args: { name: title } });
  tracer.flush();
  const out: TraceFormatEvent[] = [];
  for (let chunk = tracer.read() as TraceFormatEvent | null; chunk !== null; chunk = tracer.read() as TraceFormatEvent | null) out.push(chunk);
  return out;
}

/** The file `--perfetto` writes: a JSON array, one event a line. */
export function perfettoJson(events: readonly TraceEvent[], title: string): string {
  return `[\n${perfettoEvents(events, title).map((e) => JSON.stringify(e)).join(",\n")}\n]\n`;
}
