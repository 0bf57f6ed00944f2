// index-coverage, red on its planted defect: an optimize acknowledged on the handle whose own
// apply added an `@index`, with the table's published version still without it (the handle's
// catalog not reloaded after its apply); green when the index is there, when the table has no
// rows, and silent where the history cannot say the handle knew the schema in force.
import { expect, test } from "vitest";
import { compileSchema } from "../../engine/schema/catalog-builder.ts";
import type { DatasetPath, Version } from "../../engine/storage/types.ts";
import { indexCoverage } from "../../sim/oracles/index-coverage.ts";
import { NO_EFFECT, type OpRecord } from "../../sim/oracles/history.ts";
import type { TraceEvent } from "../../sim/trace.ts";
import { VirtualStore } from "../../sim/store/virtual-store.ts";
import type { Actor } from "../../sim/scheduler.ts";
import { ctx, manifest, op } from "./oracle-fixtures.ts";

const BASE = "node Person { name: String @key  age: I32? }\n";
const INDEXED = "node Person { name: String @key  age: I32? @index }\n";
const PATH = "nodes/node:Person" as DatasetPath;
const actor = (name: string) => ({ name, status: "done" }) as Actor;

/** Person at v1 (a row, the id and key indices), then v2 with `btree:age` too when `built`. */
async function store(built: boolean, rows = 1): Promise<VirtualStore> {
  const raw = new VirtualStore();
  await raw.datasets.create(PATH, Array.from({ length: rows }, (_, i) => ({ id: `p${i}`, name: `p${i}`, age: i })));
  let v = 1 as Version;
  for (const index of ["btree:id", "fts:name"]) v = (await raw.datasets.commit(PATH, null, v, { op: "CreateIndex", index })).version;
  if (built) await raw.datasets.commit(PATH, null, v, { op: "CreateIndex", index: "btree:age" });
  return raw;
}

const open = (handle: string, start: number): OpRecord => op({ id: 1, label: `open ${handle}`, kind: "open", actor: actor(handle), start, end: start + 1, handle });
const apply = (handle: string, schema: string, start: number, end: number | null, extra: Partial<OpRecord> = {}): OpRecord =>
  op({ id: 2, label: `${handle}: apply`, kind: "schemaApply", actor: actor(handle), effect: { ...NO_EFFECT, schema }, start, end, handle, ...extra });
const optimize = (handle: string, start: number, end: number): OpRecord => op({ id: 3, label: `${handle}: optimize`, kind: "optimize", actor: actor(handle), start, end, handle });

/** The optimize's own index build (v4 when it built `btree:age`), published at 30. */
const events: TraceEvent[] = [];
const published = (v: number) => [manifest(1, 5, "setup", { "node:Person": 3 }), manifest(2, 30, "h", { "node:Person": v })];

test("index-coverage: an optimize on the applying handle must build the index its apply added", async () => {
  const ops = [open("h", 0), apply("h", INDEXED, 10, 20), optimize("h", 25, 40)];
  const green = { ...ctx({ ops, events, manifests: published(4), raw: await store(true) }), catalog: compileSchema(INDEXED) };
  expect(await indexCoverage(green)).toEqual([]);
  // Planted: the handle kept its old catalog after its apply, so the optimize built nothing new.
  const red = await indexCoverage({ ...ctx({ ops, events, manifests: published(3), raw: await store(false) }), catalog: compileSchema(INDEXED) });
  expect(red.map((v) => `${v.kind} ${v.table} ${String(v.details?.["missing"])}`)).toEqual(["index-not-built node:Person btree:age"]);
  // A table with no rows needs no index.
  expect(await indexCoverage({ ...ctx({ ops, events, manifests: published(3), raw: await store(false, 0) }), catalog: compileSchema(INDEXED) })).toEqual([]);
});

test("index-coverage: no verdict unless the handle surely knew the schema in force", async () => {
  const raw = await store(false);
  const judge = (ops: OpRecord[], evs: TraceEvent[] = events) => indexCoverage({ ...ctx({ ops, events: evs, manifests: published(3), raw }), catalog: compileSchema(INDEXED) });
  // Another handle applied it: this one's catalog may lag (upstream's seed builds from `db.catalog()`).
  expect(await judge([open("h", 0), open("k", 1), apply("k", INDEXED, 10, 20), optimize("h", 25, 40)])).toEqual([]);
  // ... unless this one refreshed after it.
  const refresh = op({ id: 4, label: "h: refresh", kind: "refresh", actor: actor("h"), start: 21, end: 22, handle: "h" });
  expect((await judge([open("h", 0), open("k", 1), apply("k", INDEXED, 10, 20), refresh, optimize("h", 25, 40)])).length).toBe(1);
  // An apply that found the schema already in force (another handle's) taught this handle nothing.
  expect(await judge([open("h", 0), open("k", 1), apply("k", INDEXED, 10, 12), apply("h", INDEXED, 14, 20), optimize("h", 25, 40)])).toEqual([]);
  // An apply still running, failed with an unknown outcome, or overlapping the optimize.
  expect(await judge([open("h", 0), apply("h", INDEXED, 10, null, { status: "pending" }), optimize("h", 25, 40)])).toEqual([]);
  expect(await judge([open("h", 0), apply("h", INDEXED, 10, 20, { status: "err", errorKind: "InjectedFailure" }), optimize("h", 25, 40)])).toEqual([]);
  expect(await judge([open("h", 0), apply("h", INDEXED, 10, 30), optimize("h", 25, 40)])).toEqual([]);
  // A refusal raised before any write changed nothing: the verdict stands.
  const refused = apply("k", BASE, 21, 22, { status: "err", errorKind: "SchemaApplyLocked" });
  expect((await judge([open("h", 0), apply("h", INDEXED, 10, 20), refused, optimize("h", 25, 40)])).length).toBe(1);
  // Another operation wrote the table while the optimize ran (optimize skips a table with drift).
  const write: TraceEvent[] = [{ e: "spawn", actor: "w", proc: "q" }, ...Array<TraceEvent>(26).fill({ e: "choose", label: "pad", n: 1, v: 0 }), { e: "io", actor: "w", op: "datasets.commit", args: { path: PATH, branch: null, readVersion: 3, delta: { op: "Append" } }, ok: { version: 4 } }];
  expect(await judge([open("h", 0), apply("h", INDEXED, 10, 20), optimize("h", 25, 40)], write)).toEqual([]);
});
