// Comparing two traces of one tape, one run on the virtual store and one on real Lance, at the
// strongest level at which they agree:
//
//   hash      the same trace hash: every event identical.
//   layout    identical once checkout results drop their fragment count (docs/fidelity.md,
//             divergence 2: Lance writes updated rows to new fragments and does not merge an
//             indexed fragment with unindexed ones).
//   versions  identical once, in addition, each dataset's version numbers are renamed by their
//             rank among the versions of that dataset the trace mentions (and so are the table
//             versions inside manifest object ids, per table key), and a version listing sets
//             aside Lance's ReserveFragments versions, the first half of its compaction
//             (divergence 1: a compaction adds 0, 2 or 3 versions on Lance, 1 in the model);
//             a recovery sidecar's body, kept in a put's arguments for the oracles, is set aside
//             (it quotes dataset versions, some of which, a compaction's, only one side has).
//             Manifest versions are never renamed; error texts stay as they are, and a
//             violation is compared by its facts (kind, operation, error kind, table), not by
//             its message, which quotes dataset versions.
//
// "versions" still compares every event: the same actors granted the same steps, the same
// storage calls with the same arguments and results, the same failpoint decisions, crashes,
// choices, operation outcomes and violations, in the same order; only the numbering of
// dataset versions may differ, and only by a monotone one-to-one renaming.
import type { Trace, TraceEvent } from "../../sim/trace.ts";
import { canonicalJson } from "../../sim/trace.ts";

export type Agreement = "hash" | "layout" | "versions";
export const LEVELS: readonly Agreement[] = ["hash", "layout", "versions"];

export interface Difference {
  readonly index: number;
  readonly model: string | undefined;
  readonly lance: string | undefined;
}

export interface Comparison {
  /** The strongest level that holds, or null if none does. */
  readonly agreement: Agreement | null;
  /** The first differing event at each level that fails. */
  readonly differences: Partial<Record<Agreement, Difference>>;
}

export function compareTraces(model: Trace, lance: Trace): Comparison {
  const differences: Partial<Record<Agreement, Difference>> = {};
  for (const level of LEVELS) {
    const a = project(model.events(), level);
    const b = project(lance.events(), level);
    const difference = firstDifference(a, b);
    if (difference === null) return { agreement: level, differences };
    differences[level] = difference;
  }
  return { agreement: null, differences };
}

/** The logical trace: each operation's label, status and error kind, in order. */
export function operations(trace: Trace): string[] {
  return trace
    .events()
    .filter((e) => e.e === "op")
    .map((e) => canonicalJson({ label: e.label, actor: e.actor, status: e.status, error: e.error }));
}

/**
 * Every storage call (datasets, manifest and objects): who made it, what it addressed, and
 * whether it succeeded or which error kind it raised. Results, versions included, are compared
 * by `compareTraces`.
 */
export function storageCallShapes(trace: Trace): string[] {
  return trace
    .events()
    .filter((e) => e.e === "io")
    .map((e) => {
      const args = e.args as Record<string, unknown>;
      const delta = args.delta as Record<string, unknown> | undefined;
      const outcome = e.err === undefined ? "ok" : (e.err.kind ?? e.err.name);
      return canonicalJson([e.actor, e.op, args.path ?? args.key ?? args.name ?? args.prefix ?? args.from ?? null, delta?.op ?? null, outcome]);
    });
}

/** Every manifest call with the versions it named and the version it returned: never renamed. */
export function manifestVersions(trace: Trace): string[] {
  return trace
    .events()
    .flatMap((e) => (e.e === "io" && e.op.startsWith("manifest.") ? [e] : []))
    .map((e) => {
      const args = e.args as Record<string, unknown>;
      const ok = e.ok;
      const result = typeof ok === "number" ? ok : isRecord(ok) ? ok.version : undefined;
      return canonicalJson([e.op, args.branch ?? null, args.readVersion ?? args.at ?? null, result ?? null]);
    });
}

function firstDifference(a: readonly string[], b: readonly string[]): Difference | null {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return { index: i, model: a[i], lance: b[i] };
  }
  return null;
}

function project(events: readonly TraceEvent[], level: Agreement): string[] {
  if (level === "hash") return events.map(canonicalJson);
  const withoutLayout = events.map(dropFragmentCount);
  if (level === "layout") return withoutLayout.map(canonicalJson);
  const ranks = versionRanks(withoutLayout);
  return withoutLayout.map((e) => canonicalJson(renumber(withoutSidecarBody(factsOnly(e)), ranks)));
}

/** A violation's facts, with an empty message and no details (both quote dataset versions). */
function factsOnly(e: TraceEvent): TraceEvent {
  if (e.e !== "violation") return e;
  const { message: _message, details: _details, ...facts } = e;
  return { ...facts, message: "" };
}

function withoutSidecarBody(e: TraceEvent): TraceEvent {
  if (e.e !== "io" || e.op !== "objects.put" || !isRecord(e.args) || !("body" in e.args)) return e;
  const { body: _body, ...args } = e.args;
  return { ...e, args };
}

function dropFragmentCount(e: TraceEvent): TraceEvent {
  if (e.e !== "io" || e.op !== "datasets.checkout" || !isRecord(e.ok)) return e;
  const { fragments: _fragments, ...rest } = e.ok;
  return { ...e, ok: rest };
}

// ---- version renaming ----

/** `{table_key}${version:020}` and `{table_key}$tombstone${version:020}` (engine/manifest/layout.ts). */
const VERSION_OBJECT_ID = /^(.*?)\$(tombstone\$)?(\d{20})$/;

type Ranks = Map<string, Map<number, number>>;

/** For each namespace (a dataset path, or a table key), its versions' ranks, 1 = lowest. */
function versionRanks(events: readonly TraceEvent[]): Ranks {
  const seen = new Map<string, Set<number>>();
  const note = (ns: string, v: unknown) => {
    if (typeof v !== "number") return;
    let set = seen.get(ns);
    if (set === undefined) seen.set(ns, (set = new Set()));
    set.add(v);
  };
  for (const e of events) visitVersions(e, note);
  const ranks: Ranks = new Map();
  for (const [ns, set] of seen) {
    ranks.set(ns, new Map([...set].sort((x, y) => x - y).map((v, i) => [v, i + 1])));
  }
  return ranks;
}

/** Calls `at` for every dataset version and every table version an event mentions. */
function visitVersions(e: TraceEvent, at: (ns: string, v: unknown) => unknown): TraceEvent {
  if (e.e !== "io" || typeof e.op !== "string") return e;
  const args = e.args as Record<string, unknown>;
  if (e.op.startsWith("datasets.")) {
    const ns = `ds:${String(args.path)}@${String(args.branch ?? "main")}`;
    const v = (x: unknown) => (typeof x === "number" ? at(ns, x) : x);
    const newArgs = { ...args, ...("at" in args ? { at: v(args.at) } : {}), ...("readVersion" in args ? { readVersion: v(args.readVersion) } : {}) };
    let ok = e.ok;
    if (e.op === "datasets.latestVersion") ok = v(ok);
    else if (e.op === "datasets.versions" && Array.isArray(ok)) {
      // Lance commits a compaction as ReserveFragments then Rewrite; the engine never commits
      // a ReserveFragments of its own, so the first half of a compaction is set aside.
      ok = ok.filter((pair) => !(Array.isArray(pair) && pair[1] === "ReserveFragments")).map((pair) => (Array.isArray(pair) ? [v(pair[0]), pair[1]] : pair));
    }
    else if (isRecord(ok) && "version" in ok) ok = { ...ok, version: v(ok.version) };
    return { ...e, args: newArgs, ...(e.ok !== undefined ? { ok } : {}) };
  }
  if (e.op === "manifest.merge" && Array.isArray(args.rows)) {
    const rows = args.rows.map((id) => {
      const m = typeof id === "string" ? VERSION_OBJECT_ID.exec(id) : null;
      if (m === null) return id;
      const renamed = at(`table:${m[1]}`, Number(m[3]));
      return `${m[1]}$${m[2] ?? ""}${String(renamed).padStart(20, "0")}`;
    });
    return { ...e, args: { ...args, rows } };
  }
  return e;
}

function renumber(e: TraceEvent, ranks: Ranks): TraceEvent {
  return visitVersions(e, (ns, v) => ranks.get(ns)?.get(v as number) ?? v);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
