// The seeded storage fault plan: a layer of the storage seam on the virtual store that can strike
// any call (not only failpoints) of an actor of a crashable process (setup, directors and the
// final restart never suffer one). Each universe turns on some of the kinds asked for, swarm
// style, and its rate, from its seed; then at each call one of those kinds could strike, a
// bounded tape choice decides whether it does (exhaustive search leaves every such choice at
// "no fault"), and a second choice picks its parameter (how long, how torn, how stale). Every
// fault that strikes is a trace event, and is kept for the "detected or harmless" judgement
// (`judge.ts`).
import { LEASE_POLL_MS, LEASE_TTL_MS } from "../../engine/lease/lease.ts";
import { StorageError } from "../../engine/storage/errors.ts";
import { sameState } from "../cuts/recorder.ts";
import type { PlannedStorageFault, StorageFaultLayer } from "../scheduled-storage.ts";
import { pick } from "../seed.ts";
import type { StorageCall } from "../storage-calls.ts";
import { type StoreSnapshot, VirtualStore } from "../store/virtual-store.ts";
import type { World } from "../world.ts";
import { faultApplies, type StorageFaultKind } from "./kinds.ts";

export interface StorageFaultOptions {
  /** The kinds a universe may turn on (`--faults`); each universe turns on some of them. */
  readonly kinds: readonly StorageFaultKind[];
}

/** The label of every strike choice (the timeline hides those that did not strike). */
export const STORAGE_FAULT_CHOICE = "storage fault on";

/** Storage faults one universe may suffer. */
export const STORAGE_FAULT_BUDGET = 3;

/** How many durable states back a stale read may look. */
export const STALE_BOUND = 4;

/** Virtual delays a latency fault holds a caller up for: a poll, a pause, past a lease. */
export const LATENCIES_MS = [4 * LEASE_POLL_MS, 5_000, LEASE_TTL_MS + 1_000] as const;

/** How much of its bytes a torn write keeps. */
const TORN_KEPT = [0, 0.25, 0.5, 0.75] as const;

/** About how many storage calls a universe makes per write, and per object write with a body. */
const WRITE_SCARCITY = 6;
const OBJECT_WRITE_SCARCITY = 40;

/** Swarm rates: the chance a fault strikes a call, relative to the base. */
const RATES = [0.25, 1, 4] as const;

/** A fault the plan chose for one call. */
export interface ChosenFault extends PlannedStorageFault {
  readonly kind: StorageFaultKind;
  /** The parameter choice: an index into the kind's table. */
  readonly param: number;
}

/** A fault that struck, as the judgement reads it. */
export interface StruckFault {
  readonly kind: StorageFaultKind;
  readonly op: string;
  readonly subject: string;
  readonly actor: string;
  /** The actor's process: an operation's own faults include those of the helpers it spawned there. */
  readonly proc: string;
  /** Trace index of its `fault` event. */
  readonly at: number;
  /** Keys whose content the fault damaged: where a misdirected or torn write landed, and the key a misdirected or lost write missed. */
  readonly damaged: readonly string[];
  /** A fault no engine on this storage survives by design (a lost Lance commit, a stale HEAD read that hid one), or one beyond the fixed engine's stated assumptions (a pause past a lease). */
  readonly limit: boolean;
}

/** What a strike records beside its kind and call. */
interface StrikeDetails {
  readonly key?: string;
  readonly bytes?: number;
  readonly back?: number;
  readonly version?: number;
  readonly damaged?: readonly string[];
  readonly limit?: boolean;
}

/** Where a misdirected object write lands: a sibling name in the same directory, same extension. */
export function misdirectedKey(key: string): string {
  const slash = key.lastIndexOf("/");
  const dot = key.lastIndexOf(".");
  const at = dot > slash ? dot : key.length;
  return `${key.slice(0, at)}~misdirected${key.slice(at)}`;
}

export class StorageFaultPlan implements StorageFaultLayer {
  /** The kinds this universe turned on (a subset of those asked for, chosen from its seed). */
  readonly enabled: readonly StorageFaultKind[];
  /** Options of the strike choice: the last few strike, the rest pass. */
  readonly choices: number;
  readonly struck: StruckFault[] = [];
  private planned = 0;
  /** Recent durable states, oldest first, the current one last. */
  private readonly recent: StoreSnapshot[] = [];

  constructor(
    private readonly world: World,
    options: StorageFaultOptions,
  ) {
    const prng = world.seeds.child("storage-faults").prng();
    const on = options.kinds.filter(() => prng() < 0.5);
    this.enabled = on.length > 0 || options.kinds.length === 0 ? on : [options.kinds[pick(prng, options.kinds.length)]!];
    // About one strike per process per `1 / rate` runs under a uniform strategy: a process makes
    // some eight storage calls per durable write, and `crashHorizon` durable writes.
    const calls = 8 * (world.options.crashHorizon ?? 8);
    this.choices = Math.max(16, Math.round((2 * calls) / RATES[pick(prng, RATES.length)]!));
  }

  plan(call: StorageCall): ChosenFault | null {
    const actor = this.world.sched.current;
    if (!actor || actor.director || !actor.proc.crashable || this.planned >= STORAGE_FAULT_BUDGET) return null;
    const applicable = this.enabled.filter((k) => faultApplies(k, call));
    if (applicable.length === 0) return null;
    const choices = this.choicesFor(call);
    const v = this.world.choose(`${STORAGE_FAULT_CHOICE} ${call.op}`, choices, { bounded: true });
    const i = choices - 1 - v;
    if (i >= applicable.length) return null;
    const kind = applicable[i]!;
    this.planned++;
    const param = this.world.choose(`${kind} fault`, paramChoices(kind), { bounded: true });
    const chosen = { kind, param, delayMs: kind === "latency" ? LATENCIES_MS[param]! : 0 };
    // A pause is struck when it begins: its process may crash while it waits, and a pause that
    // never ended held its lease past the expiry all the same. Held past a lease: the fixed engine
    // assumes a committer finishes its section within its lease (docs/fixes.md, "What the fixed
    // engine assumes"); storage cannot fence a dataset commit, so a writer paused that long may
    // commit after another recovered its work (`judge.ts`, `pausedCommitter`).
    if (kind === "latency") this.record(chosen, call, actor.name, actor.proc.name, { limit: chosen.delayMs > LEASE_TTL_MS });
    return chosen;
  }

  private record(fault: ChosenFault, call: StorageCall, actor: string, proc: string, extra: StrikeDetails = {}): void {
    const at = this.world.trace.length;
    const limit = extra.limit ?? false;
    this.world.trace.emit({
      e: "fault",
      actor,
      kind: fault.kind,
      op: call.op,
      subject: call.subject,
      ...(extra.key !== undefined ? { key: extra.key } : {}),
      ...(extra.bytes !== undefined ? { bytes: extra.bytes } : {}),
      ...(fault.delayMs ? { delayMs: fault.delayMs } : {}),
      ...(extra.back !== undefined ? { back: extra.back } : {}),
      ...(extra.version !== undefined ? { version: extra.version } : {}),
      ...(limit ? { limit } : {}),
    });
    this.struck.push({ kind: fault.kind, op: call.op, subject: call.subject, actor, proc, at, damaged: extra.damaged ?? [], limit });
  }

  /**
   * The strike choice's options for `call`: writes are rarer than reads, and object writes with
   * a body (the only calls a misdirected or torn write can strike) rarer still, so each class of
   * call gets a chance scaled to how often it comes, and every kind strikes in some universes.
   */
  private choicesFor(call: StorageCall): number {
    if (call.object) return Math.max(4, Math.round(this.choices / OBJECT_WRITE_SCARCITY));
    if (call.writes) return Math.max(8, Math.round(this.choices / WRITE_SCARCITY));
    return this.choices;
  }

  noteState(store: VirtualStore): void {
    const now = store.snapshot();
    const last = this.recent[this.recent.length - 1];
    if (last && sameState(last, now)) return;
    this.recent.push(now);
    if (this.recent.length > STALE_BOUND + 1) this.recent.shift();
  }

  apply<T>(planned: PlannedStorageFault, call: StorageCall, store: VirtualStore, effect: (store: VirtualStore) => T, actor: string): T {
    const fault = planned as ChosenFault;
    const { kind, param } = fault;
    const proc = this.world.sched.current?.proc.name ?? "?";
    const struck = (extra: StrikeDetails = {}) => this.record(fault, call, actor, proc, extra);
    switch (kind) {
      case "error":
        struck();
        throw ioError(call, "failed");
      case "latency":
        // Struck when the pause began (`plan`).
        return effect(store);
      case "ack-loss": {
        const value = effect(store);
        struck(madeVersion(value));
        throw ioError(call, "took effect, but its response was lost");
      }
      case "lost": {
        const before = store.snapshot();
        // The parts of what it would have done never become durable either.
        const { outcome } = store.partsOf(() => effect(store));
        store.restore(before);
        if (!outcome.ok) throw outcome.error;
        // A lost Lance commit (a dataset or `__manifest` version acknowledged and gone) breaks the
        // store's own contract: no engine built on it survives that by design.
        const object = call.object;
        struck({ ...(object ? { damaged: [object.key] } : {}), limit: !call.op.startsWith("objects.") });
        return outcome.value;
      }
      case "misdirected": {
        const object = call.object!;
        const key = misdirectedKey(object.key);
        struck({ key, damaged: [object.key, key] });
        if (call.op === "objects.copy") return store.objects.copyNow(object.from!, key) as T;
        if (call.op === "objects.putIfAbsent") return store.objects.putIfAbsentNow(key, object.body!) as T;
        return store.objects.putNow(key, object.body!) as T;
      }
      case "torn": {
        const object = call.object!;
        const body = object.from !== undefined ? store.objects.getNow(object.from) : object.body!;
        const kept = body.slice(0, Math.floor(body.length * TORN_KEPT[param]!));
        struck({ key: object.key, bytes: kept.length, damaged: [object.key] });
        if (call.op === "objects.putIfAbsent") return store.objects.putIfAbsentNow(object.key, kept) as T;
        return store.objects.putNow(object.key, kept) as T;
      }
      case "stale": {
        // `recent` ends with the current state: look back `param + 1` states, as far as known.
        const back = Math.min(param + 1, this.recent.length - 1);
        const then = this.recent[this.recent.length - 1 - back];
        const seen = then ? VirtualStore.fromSnapshot(then) : store;
        struck({ back, limit: hidesLanceCommit(call, seen, store, effect) });
        return effect(seen);
      }
    }
  }
}

/**
 * Whether a stale read of a dataset's HEAD (`datasets.latestVersion`, or the version listing
 * `datasets.versions` a recovery walks) saw an older version than the durable one: a Lance
 * commit hidden from its reader (`rollback-audited-forward` seed 1346 with `--faults all` on
 * fixed: a listing three states back hid a writer's commit on edge:Knows, and the open's
 * recovery rolled that committed writer back). Lance finds a dataset's HEAD by listing
 * its versions, and the engines (upstream's and the model's) assume that listing sees every
 * commit made before it (read-after-write, as S3, GCS, Azure and local files give). Past that,
 * nothing a recovery reads tells a writer that never committed from one whose commit the store
 * hides, and it rolls a committed writer back, leaving drift no later recovery explains
 * (`lost-sidecar-write` seed 195 with `--faults all` on fixed). Upstream decides from the same
 * read (`open_lance_head_if_present`, recovery.rs at 62a9c3fe). Only a read that did hide a
 * commit is a limit; a stale HEAD read that saw the current version is an ordinary fault.
 */
function hidesLanceCommit<T>(call: StorageCall, seen: VirtualStore, now: VirtualStore, effect: (store: VirtualStore) => T): boolean {
  if (call.op !== "datasets.latestVersion" && call.op !== "datasets.versions") return false;
  const head = (store: VirtualStore): number | null => {
    try {
      const v = effect(store);
      if (typeof v === "number") return v;
      // `datasets.versions`: the listing itself, oldest first.
      const last = Array.isArray(v) ? (v[v.length - 1] as { version?: unknown } | undefined) : undefined;
      return typeof last?.version === "number" ? last.version : null;
    } catch {
      return null;
    }
  };
  const current = head(now);
  const stale = head(seen);
  return current !== null && (stale === null || stale < current);
}

/** The version a write returned (a Lance or `__manifest` commit), for the trace: its caller never sees it. */
function madeVersion(value: unknown): { version?: number } {
  const v = typeof value === "number" ? value : (value as { version?: unknown } | null)?.version;
  return typeof v === "number" ? { version: v } : {};
}

function paramChoices(kind: StorageFaultKind): number {
  switch (kind) {
    case "latency":
      return LATENCIES_MS.length;
    case "torn":
      return TORN_KEPT.length;
    case "stale":
      return STALE_BOUND;
    default:
      return 1;
  }
}

function ioError(call: StorageCall, what: string): StorageError {
  return new StorageError("Io", `I/O error (injected storage fault): ${call.op}${call.subject ? ` ${call.subject}` : ""} ${what}`);
}
