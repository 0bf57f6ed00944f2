// An acknowledged optimize or ensureIndices has built every index the schema in force declares,
// when its handle knew that schema. Upstream's `optimize` and `ensure_indices` build each missing
// index of their catalog on every table with rows (`build_indices_on_dataset_for_catalog`; an
// `@index` added by a schema apply is built there, never by the apply, iss-848). At the seed the
// catalog is the handle's (`db.catalog()`), which its own apply replaces (`store_catalog`) and
// which lags another handle's apply, so the rule asks coverage only of a handle that knew the
// schema in force: it opened or refreshed after that schema was in force, or its own apply put
// it in force (an apply that found nothing to do teaches it nothing).
//
// Everything is read from the harness's side: the schema in force from the applies the history
// acknowledged (no apply may be in flight, failed with an unknown outcome, or overlap another
// until the operation ends; a refusal raised before any write, `SchemaApplyLocked` or
// `UnsupportedSchemaChange`, changed nothing), or, when no apply could have changed it, the
// accepted schema the judge read; the pins from the oracles' manifest reader; the indices and
// rows from the raw store. A table is covered when some version main published while the
// operation ran (or the one standing when it began) carries every index the schema declares for
// it, or has no rows. A table another operation committed to while it ran, or whose Lance HEAD
// was above its pin when it began (drift optimize skips), has no verdict. Which indices a table
// type declares is the oracles' own reading of upstream's rule (`declared-indices.ts`), not the
// engine's.
import { isStorageError } from "../../engine/storage/errors.ts";
import { compileSchema } from "../../engine/schema/catalog-builder.ts";
import { catalogTableKeys, type Catalog, lookupTable } from "../../engine/schema/catalog.ts";
import { renderSchemaContract } from "../../engine/schema/contract.ts";
import type { TableKey, Version } from "../../engine/storage/types.ts";
import { prefixIndexed, type TraceScan } from "../trace-prefix.ts";
import type { Violation } from "../violations.ts";
import type { JudgeContext } from "./context.ts";
import { declaredIndexNames } from "./declared-indices.ts";
import { type OpRecord, violationOp } from "./history.ts";
import type { ManifestVersion } from "./published.ts";
import { versionAt } from "./published.ts";
import { operationAt } from "./sidecars.ts";

/** Refusals an apply raises before its first write: it changed no schema. */
const REFUSED_BEFORE_ANY_WRITE = new Set(["SchemaApplyLocked", "UnsupportedSchemaChange"]);

/** The schema at init, before any apply: the judge reads it only when no apply could have changed it. */
const INIT = "init";

type Ctx = Pick<JudgeContext, "history" | "events" | "manifests" | "raw" | "catalog">;

/** Every main-branch dataset write (create, commit, restore) the trace records as done. */
const datasetWrites: TraceScan<{ at: number; actor: string; path: string; version: Version }> = (events, from, to) => {
  const out: { at: number; actor: string; path: string; version: Version }[] = [];
  for (let i = from; i < to; i++) {
    const ev = events[i]!;
    if (ev.e !== "io" || (ev.op !== "datasets.create" && ev.op !== "datasets.commit" && ev.op !== "datasets.restore")) continue;
    if (!("ok" in ev) || ev.ok === null) continue;
    const args = ev.args as { path?: unknown; branch?: unknown };
    const version = (ev.ok as { version?: unknown }).version;
    if ((args.branch ?? null) !== null || typeof version !== "number") continue;
    out.push({ at: i, actor: ev.actor, path: String(args.path), version: version as Version });
  }
  return out;
};

export async function indexCoverage(ctx: Ctx): Promise<Violation[]> {
  const maintenance = ctx.history.ops.filter((o) => (o.kind === "optimize" || o.kind === "ensureIndices") && o.status === "ok" && o.end !== null && o.handle !== undefined);
  if (maintenance.length === 0) return [];
  const applies = ctx.history.ops.filter((o) => o.kind === "schemaApply" && !(o.status === "err" && REFUSED_BEFORE_ANY_WRITE.has(o.errorKind ?? "")));
  const out: Violation[] = [];
  for (const op of maintenance) {
    const catalog = schemaKnownAndInForce(ctx, op, applies);
    if (catalog === null) continue;
    out.push(...(await uncovered(ctx, op, catalog)));
  }
  return out;
}

/** The IR of a schema source (two texts of one schema are the same schema); null if it does not compile. */
function irOf(source: string | undefined): string | null {
  if (source === undefined) return null;
  try {
    return renderSchemaContract(source).irJson;
  } catch {
    return null;
  }
}

/**
 * The catalog of the schema in force when `op` began, when `op`'s handle surely knew it; null
 * when the history cannot say which schema was in force, or that the handle knew it.
 */
function schemaKnownAndInForce(ctx: Ctx, op: OpRecord, applies: readonly OpRecord[]): Catalog | null {
  const before = applies.filter((a) => a.start < op.end!);
  if (before.some((a) => a.status !== "ok" || a.end === null || a.end >= op.start)) return null;
  if (before.length === 0) {
    // No apply before it ended; and none at all: the schema the judge read was in force throughout.
    return applies.length === 0 ? ctx.catalog : null;
  }
  const sorted = [...before].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) if (sorted[i - 1]!.end! >= sorted[i]!.start) return null;
  // The handle's opens and refreshes that ended before `op` and overlap no apply: each learns the schema then in force.
  const learns = ctx.history.ops.filter(
    (o) => (o.kind === "open" || o.kind === "refresh") && o.handle === op.handle && o.status === "ok" && o.end !== null && o.end < op.start && !sorted.some((a) => a.start < o.end! && a.end! > o.start),
  );
  const steps = [...sorted.map((a) => ({ at: a.start, apply: a })), ...learns.map((o) => ({ at: o.start, apply: null }))].sort((x, y) => x.at - y.at);
  let accepted: string = INIT;
  let known: string | null = null;
  for (const step of steps) {
    const a = step.apply;
    if (a === null) {
      known = accepted;
      continue;
    }
    const ir = irOf(a.effect.schema);
    if (ir === null) return null;
    if (a.handle === op.handle) {
      // An apply that changed the schema installs it in its handle; one that found nothing to do
      // leaves the handle as it was, which knew it only if it knew the schema then in force.
      if (accepted !== ir) known = accepted === INIT && known !== INIT ? null : ir;
    }
    accepted = ir;
  }
  if (known === null || known !== accepted || accepted === INIT) return null;
  const source = sorted.at(-1)!.effect.schema!;
  return compileSchema(source);
}

/** The tables `op` left without an index the schema declares, on every version main published while it ran. */
async function uncovered(ctx: Ctx, op: OpRecord, catalog: Catalog): Promise<Violation[]> {
  const standing = versionAt(ctx.manifests, op.start);
  const window: ManifestVersion[] = [...(standing ? [standing] : []), ...ctx.manifests.filter((m) => m.at >= op.start && m.at < op.end!)];
  if (window.length === 0) return [];
  const writes = prefixIndexed(ctx.events, datasetWrites);
  const out: Violation[] = [];
  for (const tableKey of catalogTableKeys(catalog)) {
    const required = declaredIndexNames(lookupTable(catalog, tableKey)!);
    const pins = window.flatMap((m) => m.pins.filter((p) => p.tableKey === tableKey && (p.ref ?? null) === null));
    if (pins.length === 0) continue;
    const path = pins[0]!.path;
    if (contended(ctx, op, writes, path, standing?.pins.find((p) => p.tableKey === tableKey)?.version ?? null)) continue;
    let read: { version: Version; missing: string[] } | null = null;
    let covered = false;
    for (const pin of pins) {
      let content;
      try {
        content = await ctx.raw.datasets.checkout(pin.path, null, pin.version);
      } catch (e) {
        // A hard drop or a cleanup removes old versions: that version says nothing either way.
        if (isStorageError(e, "VersionNotFound") || isStorageError(e, "NotFound")) continue;
        throw e;
      }
      const missing = required.filter((name) => !content.indices.includes(name));
      if (content.rows.length === 0 || missing.length === 0) {
        covered = true;
        break;
      }
      read = { version: pin.version, missing };
    }
    if (covered || read === null) continue;
    out.push({
      kind: "index-not-built",
      message: `${op.label} returned ok, but ${tableKey} (v${read.version}, the last version main published before it returned) lacks ${read.missing.join(", ")}, which the schema in force declares`,
      op: violationOp(op),
      table: tableKey as TableKey,
      details: { version: read.version, missing: read.missing.join(",") },
    });
  }
  return out;
}

/** Whether another operation wrote the table while `op` ran, or its HEAD was above its pin when `op` began. */
function contended(ctx: Ctx, op: OpRecord, writes: readonly { at: number; actor: string; path: string; version: Version }[], path: string, pinAtStart: Version | null): boolean {
  let head = 0;
  for (const w of writes) {
    if (w.path !== path) continue;
    if (w.at < op.start) head = Math.max(head, w.version);
    else if (w.at < op.end! && operationAt(ctx.history, ctx.events, w.actor, w.at) !== op) return true;
  }
  return pinAtStart !== null && head > pinAtStart;
}
