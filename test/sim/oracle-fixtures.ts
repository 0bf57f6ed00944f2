// Builders for the oracle tests: a finished universe's parts (operations, snapshots, trace
// events, manifest versions, audit rows) planted directly, as an oracle sees them.
import { compileSchema } from "../../engine/schema/catalog-builder.ts";
import type { Row, TableKey, Version } from "../../engine/storage/types.ts";
import type { AuditRecord, JudgeContext } from "../../sim/oracles/context.ts";
import { type Expectation, History, NO_EFFECT, type OpKind, type OpRecord } from "../../sim/oracles/history.ts";
import type { ManifestVersion, PublishedSnapshot } from "../../sim/oracles/published.ts";
import type { PublishedPin } from "../../sim/oracles/reader.ts";
import { sidecarLives } from "../../sim/oracles/sidecars.ts";
import type { Actor } from "../../sim/scheduler.ts";
import type { TraceEvent } from "../../sim/trace.ts";
import { VirtualStore } from "../../sim/store/virtual-store.ts";
import { CARD_SCHEMA } from "../../scenarios/kit/schemas.ts";

export const catalog = compileSchema(CARD_SCHEMA);

export function snap(version: number, at: number, tables: Record<string, Row[]>): PublishedSnapshot {
  return { version: version as Version, at, tables: new Map(Object.entries(tables) as [TableKey, Row[]][]), pins: [] };
}

export function op(partial: Partial<OpRecord> & { label: string }): OpRecord {
  return {
    id: 1,
    kind: "mutate" as OpKind,
    actor: { name: "a", status: "done" } as Actor,
    effect: NO_EFFECT,
    expect: {} as Expectation,
    start: 0,
    end: 10,
    status: "ok",
    errorKind: null,
    errorMessage: null,
    errorTable: null,
    ...partial,
  };
}

export function ctx(parts: {
  ops?: OpRecord[];
  snapshots?: PublishedSnapshot[];
  events?: TraceEvent[];
  raw?: VirtualStore;
  manifests?: ManifestVersion[];
  audits?: AuditRecord[];
}): JudgeContext {
  const history = new History(null as never);
  history.ops.push(...(parts.ops ?? []));
  const events = parts.events ?? [];
  const audits = parts.audits ?? [];
  return {
    events,
    history,
    manifests: parts.manifests ?? [],
    snapshots: parts.snapshots ?? [],
    branches: [],
    sidecars: sidecarLives(history, events),
    audits,
    rolledForward: new Set(audits.filter((a) => a.kind === "RolledForward").map((a) => a.operationId)),
    catalog,
    raw: parts.raw ?? new VirtualStore(),
  };
}


/** A manifest version at trace index `at`, committed by `actor`, with these pins (and head token). */
export function manifest(version: number, at: number, actor: string, pins: Record<string, number>, headToken: string | null = null): ManifestVersion {
  const list: PublishedPin[] = Object.entries(pins).map(([tableKey, v]) => ({ tableKey: tableKey as TableKey, path: `nodes/${tableKey}` as never, version: v as Version }));
  return { version: version as Version, at, actor, pins: list, headToken, leases: [] };
}
