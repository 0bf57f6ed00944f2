// Shared pieces of the ported upstream tests: processes with handles, durable-state probes
// (sidecars, audit rows, manifest pins, Lance HEADs), synthetic drift and sidecars, and exact
// error assertions. Every probe goes through `world.storage`, so it is a traced storage call
// made by the director.
import { expect } from "vitest";
import type { Env } from "../../engine/env.ts";
import { OmniError, type ErrorDetailsByKind, type OmniErrorKind } from "../../engine/errors.ts";
import { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { datasetUri, GRAPH_COMMIT_RECOVERIES, RECOVERY_DIR } from "../../engine/manifest/layout.ts";
import { Snapshot } from "../../engine/manifest/snapshot.ts";
import { parseSidecar, type RecoverySidecar, type SidecarKind } from "../../engine/recovery/sidecar.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import type { Row, Scalar, TableKey, Version } from "../../engine/storage/types.ts";
import type { MutationOp } from "../../engine/write/ops.ts";
import type { FailpointName } from "../../failpoints/catalog.ts";
import type { Actor, Process } from "../../sim/scheduler.ts";
import type { World } from "../../sim/world.ts";
import { CARDINALITY_SCHEMA } from "./helpers.ts";

export const PERSON: TableKey = "node:Person";
export const COMPANY: TableKey = "node:Company";
export const WORKS_AT: TableKey = "edge:WorksAt";
export const KNOWS: TableKey = "edge:Knows";

/** One simulated process and its env, for handles and actors that must share it. */
export interface Proc {
  readonly proc: Process;
  readonly env: Env;
  init(schema?: string): Promise<Omnigraph>;
  open(options?: { readOnly?: boolean; served?: boolean }): Promise<Omnigraph>;
  /** Starts `fn` as a concurrent actor of this process. */
  spawn(name: string, fn: () => Promise<unknown>): Actor;
}

export function startProcess(w: World, name: string): Proc {
  const proc = w.process(name);
  const env = w.env(proc);
  return {
    proc,
    env,
    init: (schema = CARDINALITY_SCHEMA) => Omnigraph.init(env, schema, { name }),
    open: (options = {}) =>
      Omnigraph.open(env, { name, served: options.served ?? false, mode: options.readOnly ? "ReadOnly" : "ReadWrite" }),
    spawn: (actor, fn) => w.spawn(proc, actor, fn),
  };
}

export function person(name: string, age?: number): MutationOp {
  return { kind: "insertNode", type: "Person", props: age === undefined ? { name } : { name, age } };
}

export function company(name: string): MutationOp {
  return { kind: "insertNode", type: "Company", props: { name } };
}

export function edge(type: string, from: string, to: string): MutationOp {
  return { kind: "insertEdge", type, from, to };
}

/** Error details as a test writes them: versions as plain numbers. */
export type PlainDetails<K extends OmniErrorKind> = { [P in keyof ErrorDetailsByKind[K]]: ErrorDetailsByKind[K][P] extends Version ? number : ErrorDetailsByKind[K][P] };

/** Awaits a rejection and checks it is an OmniError of `kind` (and, when given, exactly `details`). */
export async function rejects<K extends OmniErrorKind>(p: Promise<unknown>, kind: K, details?: PlainDetails<K>): Promise<OmniError<K>> {
  let error: unknown = null;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  expect(error, `expected an OmniError ${kind}`).toBeInstanceOf(OmniError);
  const e = error as OmniError;
  expect({ kind: e.kind, message: e.message }).toMatchObject({ kind });
  if (details !== undefined) expect(e.details).toEqual(details);
  return e as OmniError<K>;
}

export function injected(failpoint: string): ErrorDetailsByKind["InjectedFailure"] {
  return { failpoint };
}

/** Runs `op` with `failpoint` armed to error (upstream's scoped "return") and checks it fails there. */
export async function failsAt(w: World, failpoint: FailpointName, op: () => Promise<unknown>): Promise<void> {
  w.failpoints.set(failpoint, { kind: "error" });
  try {
    await rejects(op(), "InjectedFailure", injected(failpoint));
  } finally {
    w.failpoints.clear(failpoint);
  }
}

/** Checks a settled call failed with `kind` and exactly `details`; returns the error. */
export function failedWith<K extends OmniErrorKind>(s: Settled, kind: K, details: PlainDetails<K>): OmniError<K> {
  expect(s.ok ? "ok" : s.error.kind).toBe(kind);
  if (s.ok || !s.error.is(kind)) throw new Error(`expected ${kind}`);
  expect(s.error.details).toEqual(details);
  return s.error;
}

export type Settled = { ok: true; value: unknown } | { ok: false; error: OmniError };

/** How a call ended: its value, or the OmniError it failed with (anything else fails the test). */
export async function settle(p: Promise<unknown>): Promise<Settled> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    expect(e).toBeInstanceOf(OmniError);
    return { ok: false, error: e as OmniError };
  }
}

/** How an actor ended: its value, or the OmniError it failed with. */
export function outcomeOf(a: Actor): Settled {
  expect(a.ended, `actor ${a.name} has not ended`).toBe(true);
  expect(a.status, `actor ${a.name} died`).not.toBe("dead");
  const o = a.outcome!;
  if (o.ok) return o;
  expect(o.error).toBeInstanceOf(OmniError);
  return { ok: false, error: o.error as OmniError };
}

// -- durable state ---------------------------------------------------------------------------

export async function sidecarKeys(w: World): Promise<string[]> {
  return w.storage.objects.list(RECOVERY_DIR);
}

export async function sidecarsOnDisk(w: World): Promise<RecoverySidecar[]> {
  const out: RecoverySidecar[] = [];
  for (const key of await sidecarKeys(w)) out.push(parseSidecar(key, await w.storage.objects.get(key)));
  return out;
}

/** The one sidecar on disk (fails unless there is exactly one). */
export async function onlySidecar(w: World): Promise<RecoverySidecar> {
  const all = await sidecarsOnDisk(w);
  expect(all.map((s) => s.writer_kind)).toHaveLength(1);
  return all[0]!;
}

export interface AuditRow {
  readonly operation_id: string;
  readonly recovery_kind: string;
  readonly recovery_for_actor: string | null;
  readonly sidecar_writer_kind: string;
  readonly outcomes: { table_key: string; from_version: number; to_version: number }[];
}

/** Every row of `_graph_commit_recoveries.lance`, in append order (ids are monotonic ULIDs). */
export async function auditRows(w: World): Promise<AuditRow[]> {
  if (!(await w.storage.datasets.exists(GRAPH_COMMIT_RECOVERIES))) return [];
  const at = await w.storage.datasets.latestVersion(GRAPH_COMMIT_RECOVERIES, null);
  const rows = (await w.storage.datasets.checkout(GRAPH_COMMIT_RECOVERIES, null, at)).rows;
  return rows.map((r) => ({
    operation_id: String(r.operation_id),
    recovery_kind: String(r.recovery_kind),
    recovery_for_actor: (r.recovery_for_actor ?? null) as string | null,
    sidecar_writer_kind: String(r.sidecar_writer_kind),
    outcomes: JSON.parse(String(r.per_table_outcomes_json)) as AuditRow["outcomes"],
  }));
}

export async function manifest(w: World): Promise<Snapshot> {
  return Snapshot.fromManifest(await w.storage.manifest.load(null));
}

export async function pin(w: World, tableKey: TableKey): Promise<Version> {
  return (await manifest(w)).pinned(tableKey);
}

export async function head(w: World, tableKey: TableKey): Promise<Version> {
  return w.storage.datasets.latestVersion(tablePathForTableKey(tableKey), null);
}

/** Manifest pin and Lance HEAD of each table, for a one-line "no drift" assertion. */
export async function pinsAndHeads(w: World, ...tables: TableKey[]): Promise<Record<string, [Version, Version]>> {
  const snap = await manifest(w);
  const out: Record<string, [Version, Version]> = {};
  for (const t of tables) out[t] = [snap.pinned(t), await head(w, t)];
  return out;
}

/** The published rows of a table, by id, with the given columns. */
export async function published(w: World, tableKey: TableKey, ...columns: string[]): Promise<Record<string, Scalar>[]> {
  const entry = (await manifest(w)).entry(tableKey);
  if (!entry) return [];
  const rows = (await w.storage.datasets.checkout(entry.path, null, entry.version)).rows;
  return rows.map((r) => Object.fromEntries([["id", r.id], ...columns.map((c) => [c, r[c] ?? null])]));
}

export async function publishedIds(w: World, tableKey: TableKey): Promise<string[]> {
  return (await published(w, tableKey)).map((r) => String(r.id));
}

/**
 * Advances a table's Lance HEAD by one without touching the manifest (upstream's
 * `lance_delete_inline(ds, "1 = 2")`): a Delete that matches nothing still commits a version.
 */
export async function driftHead(w: World, tableKey: TableKey): Promise<Version> {
  const path = tablePathForTableKey(tableKey);
  const at = await w.storage.datasets.latestVersion(path, null);
  const r = await w.storage.datasets.commit(path, null, at, { op: "Delete", where: { anyOf: [{ column: "id", in: ["__none__"] }] } });
  expect(r.version).toBe(at + 1);
  return r.version;
}

/** Appends rows straight to Lance (upstream's `lance_append_inline`), bypassing the manifest. */
export async function appendRaw(w: World, tableKey: TableKey, rows: Row[]): Promise<Version> {
  const path = tablePathForTableKey(tableKey);
  const at = await w.storage.datasets.latestVersion(path, null);
  return (await w.storage.datasets.commit(path, null, at, { op: "Append", rows })).version;
}

/** Writes a hand-made sidecar (upstream's `write_sidecar_file`) pinning one table. */
export async function plantSidecar(
  w: World,
  s: {
    operationId: string;
    kind: SidecarKind;
    tableKey: TableKey;
    expected: number;
    post: number;
    actor?: string | null;
    path?: string;
    branch?: string | null;
  },
): Promise<void> {
  const body = {
    schema_version: 1,
    operation_id: s.operationId,
    started_at: "0",
    branch: s.branch ?? null,
    actor_id: s.actor ?? null,
    writer_kind: s.kind,
    tables: [
      {
        table_key: s.tableKey,
        table_path: s.path ?? datasetUri(w.backend.root, tablePathForTableKey(s.tableKey)),
        expected_version: s.expected,
        post_commit_pin: s.post,
      },
    ],
  };
  await w.storage.objects.put(`${RECOVERY_DIR}${s.operationId}.json`, JSON.stringify(body));
}

/** Counts `objects.get` and `objects.exists` trace events from trace line `from` on. */
export function objectReadsSince(w: World, from: number): { get: number; exists: number } {
  const events = w.trace.events().slice(from);
  const count = (op: string) => events.filter((e) => e.e === "io" && e.op === op).length;
  return { get: count("objects.get"), exists: count("objects.exists") };
}

/**
 * Upstream's `assert_post_recovery_invariants` for one recovered sidecar: it is gone, exactly
 * one audit row of `kind` names it, every table's pin equals its Lance HEAD (and, rolled
 * forward, the audit's `to_version`), and a further read-write open changes nothing.
 */
export async function assertRecovered(w: World, operationId: string, kind: "RolledForward" | "RolledBack", tables: TableKey[]): Promise<AuditRow> {
  expect(await sidecarKeys(w)).not.toContain(`${RECOVERY_DIR}${operationId}.json`);
  const rows = (await auditRows(w)).filter((r) => r.operation_id === operationId);
  expect(rows.map((r) => r.recovery_kind)).toEqual([kind]);
  const audit = rows[0]!;
  for (const t of tables) {
    const [pinned, lanceHead] = (await pinsAndHeads(w, t))[t]!;
    expect(pinned, `${t}: manifest pin must equal Lance HEAD`).toBe(lanceHead);
    if (kind === "RolledForward") expect(audit.outcomes.find((o) => o.table_key === t)?.to_version).toBe(lanceHead);
  }
  const before = { audit: (await auditRows(w)).length, sidecars: await sidecarKeys(w) };
  await startProcess(w, `reopen-${operationId}`).open();
  expect({ audit: (await auditRows(w)).length, sidecars: await sidecarKeys(w) }).toEqual(before);
  return audit;
}
