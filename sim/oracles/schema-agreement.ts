// The published schema and the data agree once recovery is done, whatever crashed mid-apply:
// the three schema-contract files agree with one another (the contract check is a pure function
// of the three texts), no staging copy is left, the manifest's final snapshot publishes exactly
// one table per type of the accepted schema, and no table holds a column the schema does not
// declare (a dropped property that outlived its apply, a rewrite that never published). The
// model's manifest carries no schema version of its own (upstream's identity lives in the three
// files), so the files are where the schema's version is read.
import { catalogTableKeys, isSystemColumn, parseTableKey } from "../../engine/schema/catalog.ts";
import { SCHEMA_CONTRACT_STAGING_FILES, SCHEMA_IR_FILE, SCHEMA_SOURCE_FILE, SCHEMA_STATE_FILE, type SchemaContractCheck, validateSchemaContract } from "../../engine/schema/contract.ts";
import type { TableKey } from "../../engine/storage/types.ts";
import type { Violation } from "../violations.ts";
import type { JudgeContext } from "./context.ts";

function mismatch(message: string, table?: TableKey, details: Record<string, unknown> = {}): Violation {
  return { kind: "schema-data-mismatch", message, ...(table ? { table } : {}), details };
}

function filesDisagree(message: string, details: Record<string, unknown> = {}): Violation {
  return { kind: "schema-files-disagree", message, details };
}

/**
 * The contract check of three texts, remembered (it is a pure function of them, and every future
 * of a crash state reads the same few schemas); a small cache, emptied when full.
 */
function contractCheck(source: string, irJson: string, stateJson: string): SchemaContractCheck {
  // Keyed by each text in turn: the store hands out the same strings, whose hashes are kept.
  if (checks.size >= 64) checks.clear();
  let byIr = checks.get(source);
  if (!byIr) checks.set(source, (byIr = new Map()));
  let byState = byIr.get(irJson);
  if (!byState) byIr.set(irJson, (byState = new Map()));
  let check = byState.get(stateJson);
  if (!check) byState.set(stateJson, (check = validateSchemaContract({ source, irJson, stateJson })));
  return check;
}

const checks = new Map<string, Map<string, Map<string, SchemaContractCheck>>>();

export async function schemaAgreesWithData(ctx: Pick<JudgeContext, "raw" | "catalog" | "snapshots">): Promise<Violation[]> {
  const out: Violation[] = [];
  const o = ctx.raw.objects;
  const missing: string[] = [];
  for (const f of [SCHEMA_IR_FILE, SCHEMA_STATE_FILE]) if (!(await o.exists(f))) missing.push(f);
  if (missing.length > 0) return [filesDisagree(`the accepted schema lacks ${missing.join(" and ")}`)];
  const check = contractCheck(await o.get(SCHEMA_SOURCE_FILE), await o.get(SCHEMA_IR_FILE), await o.get(SCHEMA_STATE_FILE));
  if (!check.ok) out.push(filesDisagree(`the three schema files disagree: ${check.error.detail}`, { code: check.error.code }));
  const staging: string[] = [];
  for (const f of SCHEMA_CONTRACT_STAGING_FILES) if (await o.exists(f)) staging.push(f);
  if (staging.length > 0) out.push(filesDisagree(`staging copies outlived recovery: ${staging.join(", ")}`, { staging }));
  const last = ctx.snapshots.at(-1);
  if (!last) return out;
  const declared = new Set(catalogTableKeys(ctx.catalog));
  const published = new Set(last.pins.map((p) => p.tableKey));
  for (const t of declared) if (!published.has(t)) out.push(mismatch(`the schema declares ${t}, but manifest v${last.version} publishes no such table`, t, { version: last.version }));
  for (const t of published) if (!declared.has(t)) out.push(mismatch(`manifest v${last.version} publishes ${t}, which the schema does not declare`, t, { version: last.version }));
  for (const [table, rows] of last.tables) {
    if (!declared.has(table)) continue;
    const { kind, name } = parseTableKey(table);
    const type = kind === "node" ? ctx.catalog.nodes.get(name) : ctx.catalog.edges.get(name);
    const stray = new Set<string>();
    for (const r of rows) for (const c of Object.keys(r)) if (!isSystemColumn(kind, c) && !type?.properties.has(c)) stray.add(c);
    if (stray.size > 0) {
      out.push(mismatch(`${table} at manifest v${last.version} holds ${[...stray].sort().join(", ")}, which the schema does not declare`, table, { version: last.version, columns: [...stray].sort() }));
    }
  }
  return out;
}
