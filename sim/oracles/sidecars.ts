// Every recovery sidecar a universe wrote, followed through the trace: who wrote it (actor and
// operation), what it said (its body, decoded by the oracles' own reader), the writer's dataset
// commits after it, and who deleted it when. The sidecar-ownership and recovery oracles, and the
// durability oracle's evidence of a crashed writer's roll-forward, read this.
import type { Version } from "../../engine/storage/types.ts";
import { landedAsWritten, resultAt } from "./took-effect.ts";
import { prefixIndexed, type TraceScan } from "../trace-prefix.ts";
import type { TraceEvent } from "../trace.ts";
import type { History, OpRecord } from "./history.ts";
import { decodeSidecar, operationIdOfKey, type SidecarRecord } from "./reader.ts";

export interface SidecarLife {
  readonly key: string;
  readonly operationId: string;
  readonly writer: string;
  /** The operation that wrote it (for a worker actor, the operation of its process that spawned it). */
  readonly op: OpRecord | null;
  readonly putAt: number;
  /** The body as first written; null when the trace does not hold it. */
  readonly record: SidecarRecord | null;
  /** The writer's dataset commits in its operation, before recovery took the sidecar: path -> versions it produced. */
  readonly commits: ReadonlyMap<string, readonly Version[]>;
  /**
   * Staging files (`*.staging`) the writer put for this sidecar, each once, that its last put of
   * them left durable as written (a storage fault may tear, lose or misdirect one): a schema
   * apply's promotion evidence.
   */
  readonly staging: readonly string[];
  /** Whether its writer put it again, durable as written, before it went: a BranchMerge's Phase-B confirmation. */
  readonly rewritten: boolean;
  deletedAt: number | null;
  deletedBy: string | null;
}

/** Ops kinds that run workers as actors of their process (optimize's tables). */
const SPAWNING: ReadonlySet<OpRecord["kind"]> = new Set(["optimize", "ensureIndices"]);

/**
 * The operation `actor` (or, for a worker, the actor that spawned it) was running at trace index
 * `at`. A worker is its spawner's: two optimizes of one process may run at once (random-workload
 * seed 731 on fixed), and a worker of the one that ends later is no worker of the other.
 */
export function operationAt(history: History, events: readonly TraceEvent[], actor: string, at: number): OpRecord | null {
  const running = (o: OpRecord) => o.start <= at && (o.end === null || o.end > at);
  const own = history.ops.find((o) => o.actor.name === actor && running(o));
  if (own) return own;
  const parent = spawnerOf(events, actor);
  const spawned = history.ops.find((o) => SPAWNING.has(o.kind) && running(o) && o.actor.name === parent);
  if (spawned) return spawned;
  const proc = processOf(events, actor);
  return history.ops.find((o) => SPAWNING.has(o.kind) && running(o) && processOf(events, o.actor.name) === proc) ?? null;
}

/** Each spawn event: the actor, its process, and the actor granted last before it (its spawner). */
const spawns: TraceScan<{ at: number; actor: string; proc: string; spawner: string | undefined }> = (events, from, to) => {
  const out: { at: number; actor: string; proc: string; spawner: string | undefined }[] = [];
  for (let i = from; i < to; i++) {
    const ev = events[i]!;
    if (ev.e !== "spawn") continue;
    let spawner: string | undefined;
    for (let j = i - 1; j >= 0; j--) {
      const g = events[j]!;
      if (g.e === "grant") {
        spawner = g.actor;
        break;
      }
    }
    out.push({ at: i, actor: ev.actor, proc: ev.proc, spawner });
  }
  return out;
};

const spawnMaps = new WeakMap<readonly object[], { spawner: Map<string, string>; proc: Map<string, string> }>();

function spawnMapsOf(events: readonly TraceEvent[]): { spawner: Map<string, string>; proc: Map<string, string> } {
  const entries = prefixIndexed(events, spawns);
  let maps = spawnMaps.get(entries);
  if (!maps) {
    maps = { spawner: new Map(), proc: new Map() };
    for (const s of entries) {
      if (s.spawner !== undefined) maps.spawner.set(s.actor, s.spawner);
      maps.proc.set(s.actor, s.proc);
    }
    spawnMaps.set(entries, maps);
  }
  return maps;
}

/**
 * The actor that spawned `actor`: the one granted last before its spawn event (the scheduler
 * runs one granted actor at a time until its next scheduling point, so whatever the trace
 * records in between is that actor's doing).
 */
export function spawnerOf(events: readonly TraceEvent[], actor: string): string | undefined {
  return spawnMapsOf(events).spawner.get(actor);
}

/** The process an actor was spawned in (from the trace's spawn events). */
export function processOf(events: readonly TraceEvent[], actor: string): string | undefined {
  return spawnMapsOf(events).proc.get(actor);
}

/** A traced call a sidecar's life is made of: a dataset commit, a staging put, a sidecar put or delete (each that took effect). */
type SidecarEvent =
  | { readonly at: number; readonly actor: string; readonly path: string; readonly version: Version }
  | { readonly at: number; readonly actor: string; readonly staging: string; readonly intact: boolean }
  | { readonly at: number; readonly actor: string; readonly put: string; readonly record: SidecarRecord | null; readonly intact: boolean }
  | { readonly at: number; readonly actor: string; readonly deleted: string };

const sidecarEvents: TraceScan<SidecarEvent> = (events, from, to) => {
  const out: SidecarEvent[] = [];
  for (let i = from; i < to; i++) {
    const ev = events[i]!;
    if (ev.e !== "io") continue;
    const result = resultAt(events, i);
    if (!result) continue;
    const args = ev.args as { key?: string; body?: string; path?: string };
    if ((ev.op === "datasets.commit" || ev.op === "datasets.create") && typeof args.path === "string") {
      const v = (result.value as { version?: number } | null)?.version;
      if (typeof v === "number") out.push({ at: i, actor: ev.actor, path: args.path, version: v as Version });
      continue;
    }
    const key = args.key;
    if (ev.op === "objects.put" && key?.endsWith(".staging")) {
      out.push({ at: i, actor: ev.actor, staging: key, intact: landedAsWritten(events, i) });
      continue;
    }
    if (!key?.startsWith("__recovery/")) continue;
    if (ev.op === "objects.put") out.push({ at: i, actor: ev.actor, put: key, record: typeof args.body === "string" ? decodeSidecar(key, args.body) : null, intact: landedAsWritten(events, i) });
    else if (ev.op === "objects.delete") out.push({ at: i, actor: ev.actor, deleted: key });
  }
  return out;
};

export function sidecarLives(history: History, events: readonly TraceEvent[]): SidecarLife[] {
  const lives: (SidecarLife & { commits: Map<string, Version[]>; staging: string[]; rewritten: boolean })[] = [];
  const open = new Map<string, (typeof lives)[number]>();
  /** Every dataset commit and staging put, by actor, in trace order. */
  const writes: { at: number; actor: string; path?: string; version?: Version; staging?: string; intact?: boolean }[] = [];
  for (const ev of prefixIndexed(events, sidecarEvents)) {
    if ("path" in ev) writes.push({ at: ev.at, actor: ev.actor, path: ev.path, version: ev.version });
    else if ("staging" in ev) writes.push({ at: ev.at, actor: ev.actor, staging: ev.staging, intact: ev.intact });
    else if ("put" in ev) {
      const rewritten = open.get(ev.put);
      if (rewritten) {
        if (ev.actor === rewritten.writer && ev.intact) rewritten.rewritten = true;
        continue;
      }
      const life = {
        key: ev.put,
        operationId: operationIdOfKey(ev.put),
        writer: ev.actor,
        op: operationAt(history, events, ev.actor, ev.at),
        putAt: ev.at,
        record: ev.record,
        commits: new Map<string, Version[]>(),
        staging: [] as string[],
        rewritten: false,
        deletedAt: null,
        deletedBy: null,
      };
      open.set(ev.put, life);
      lives.push(life);
    } else {
      const life = open.get(ev.deleted);
      if (!life) continue;
      open.delete(ev.deleted);
      life.deletedAt = ev.at;
      life.deletedBy = ev.actor;
    }
  }
  // The writer's own writes for each sidecar: inside the operation that wrote it (some writers
  // commit before their sidecar, as the seed's inline deletes do), and before recovery took it.
  for (const life of lives) {
    const from = life.op?.start ?? life.putAt;
    const until = Math.min(life.op?.end ?? Number.MAX_SAFE_INTEGER, life.deletedAt ?? Number.MAX_SAFE_INTEGER);
    // `writes` is in trace order: start at the first at or after `from`.
    let lo = 0;
    let hi = writes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (writes[mid]!.at < from) lo = mid + 1;
      else hi = mid;
    }
    const stagingPuts = new Map<string, boolean>();
    for (let k = lo; k < writes.length && writes[k]!.at < until; k++) {
      const w = writes[k]!;
      if (w.actor !== life.writer) continue;
      // A staging file's last put decides (the fixed engine puts a damaged one again).
      if (w.staging) stagingPuts.set(w.staging, w.intact!);
      else life.commits.set(w.path!, [...(life.commits.get(w.path!) ?? []), w.version!]);
    }
    for (const [key, intact] of stagingPuts) if (intact) life.staging.push(key);
  }
  return lives;
}

/** The dataset path a sidecar's table URI names (the URI ends in the path under the root). */
export function pathOfUri(uri: string): string {
  const m = /(?:^|\/)((?:nodes|edges)\/[^/]+)$/.exec(uri);
  return m ? m[1]! : uri;
}

/** Where each actor's life ended (its finish, its failure, or the crash that killed it). */
export function actorEnds(events: readonly TraceEvent[]): Map<string, { at: number; crashed: boolean }> {
  const ends = new Map<string, { at: number; crashed: boolean }>();
  for (const end of prefixIndexed(events, lifeEnds)) if (!ends.has(end.actor)) ends.set(end.actor, { at: end.at, crashed: end.crashed });
  return ends;
}

/** Every actor's end as the trace records it (a finish, a failure, a crash that killed it; an actor may appear more than once). */
const lifeEnds: TraceScan<{ at: number; actor: string; crashed: boolean }> = (events, from, to) => {
  const out: { at: number; actor: string; crashed: boolean }[] = [];
  for (let i = from; i < to; i++) {
    const ev = events[i]!;
    if (ev.e === "crash") for (const a of ev.killed) out.push({ at: i, actor: a, crashed: true });
    if (ev.e === "finish" || ev.e === "fail") out.push({ at: i, actor: ev.actor, crashed: false });
  }
  return out;
};

/** Whether recovery (anyone but the writing operation itself) deleted the sidecar. */
export function recoveredByOthers(life: SidecarLife): boolean {
  if (life.deletedAt === null) return false;
  if (life.deletedBy !== life.writer) return true;
  return life.op !== null && life.op.end !== null && life.op.end <= life.deletedAt;
}
