// Discovery: `omnisim profiles`, `fixes`, `failpoints`, `oracles` (and `list` for scenarios):
// one line each with a description, or with `--json` one JSON array.
import { redProfileOf } from "../../scenarios/claims.ts";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FIX_NAMES, FIX_SUMMARIES, PROFILE_NAMES, type ProfileName, PROFILES } from "../../engine/fixes.ts";
import { FP, HEAD_FAILPOINTS, SEED_FAILPOINTS } from "../../failpoints/catalog.ts";
import { SCENARIOS } from "../../scenarios/registry.ts";
import { ORACLES } from "../../sim/oracles/judge.ts";

const PROFILE_ABOUT: Partial<Record<ProfileName, string>> = {
  seed: "the engine as the seed commits describe it: #297 and #298 fixed, #296 and everything later not",
  upstream: "what upstream has landed by its newest commit (62a9c3fe), as the model renders it: no fix of omnisim's own design",
  "regress-298": "seed with #298 re-opened: the edge @card scan reads the stale pinned base",
  "regress-297": "seed without #297: optimize neither retries Lance conflicts nor publishes by fast-forward",
  fixed: "every fix on: upstream's landed and designed fixes and the ones omnisim found",
};

const ORACLE_ABOUT: Record<string, string> = {
  "card-and-integrity": "@card limits and referential integrity hold in every published snapshot",
  "acked-writes-visible":
    "an acknowledged insert stays, an acknowledged delete stays deleted, an acknowledged update holds; only an operation that may have taken effect and is ordered after it excuses a change",
  "failed-ops-all-or-nothing":
    "a failed or crashed operation's rows are all visible or none, in every snapshot; only an operation that may have taken effect and began before the snapshot excuses a row",
  "audited-once": "no operation has two recovery audit rows",
  "recovery-audited":
    "every sidecar recovery took has exactly one audit row, of the kind that matches the writer's sidecar and commits; it rolls forward exactly when every table committed",
  "live-sidecars-untouched": "no one but its writer deletes a live writer's sidecar (a worker's, while the worker lives)",
  "operations-end-as-allowed": "operations end only with the errors their kind allows; must-succeed and must-fail demands hold",
  "card-and-integrity-on-branches": "@card limits and referential integrity hold in every snapshot every live branch published",
  "acked-writes-visible-on-branches": "a write acknowledged on a branch stays visible there until another operation touches its rows",
  "branches-readable": "every table a live branch's newest manifest pins can be read",
  "merge-all-or-nothing": "a merge shows on its target all of the rows it brings from its source, or none (an earlier failed attempt, rolled forward, shows exactly its own)",
  "no-orphaned-forks": "after recovery and the reconciler, every table fork and lineage branch is one a live branch can read",
  "parent-writes-visible-on-branches": "a branch's newest manifest shows the writes acknowledged on its parent before it was created",
  "conflicts-have-a-cause": "a write fails with a conflict only when another actor's logical effect (or drift) lies in its window",
  "missing-endpoints-have-a-cause":
    "an edge insert fails MissingEndpoint only when an endpoint it names was missing from a published state of its branch in its window",
  "schema-agrees-with-data": "after recovery the three schema files agree, no staging copy is left, and the manifest's tables and their columns match the schema",
  "leases-held-by-the-living": "no actor waits on a lease whose holder ended without releasing it",
  "maintenance-published": "an optimize that returns ok has published every compaction and index build it committed",
  "index-coverage": "an optimize or ensureIndices that returns ok, on a handle that knew the schema in force, leaves every table with rows carrying every index that schema declares",
  "publishes-recorded": "every main-branch publish of an operation that returned ok has its graph commit",
  "schema-in-force": "the last schema apply, when it returned ok after every other apply had, leaves the schema it asked for in force",
  "table-versions-append-only": "a table version a branch's manifest registered is never registered again as another state (only the owner-branch handoff)",
};

/** Run after every engine scenario by its director, not by the judge. */
const LIVENESS_ABOUT =
  "after everything (and once crashed committers' leases run out), a new process opens read-write, HEAD equals every pin, __recovery/ is empty, and a write goes through without waiting on a leaked lease; what it cannot read is a violation";

interface Row {
  readonly name: string;
  readonly about: string;
  readonly [extra: string]: unknown;
}

function print(rows: readonly Row[], json: boolean | undefined, columns: (r: Row) => string[] = (r) => [r.name, r.about]): number {
  if (json) {
    console.log(JSON.stringify(rows));
    return 0;
  }
  const cells = rows.map(columns);
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  for (const c of cells) console.log(c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]!))).join("  "));
  return 0;
}

export function profilesCommand(flags: { json?: boolean }): number {
  const rows = PROFILE_NAMES.map((p) => ({
    name: p,
    about: PROFILE_ABOUT[p] ?? "(no description yet: see engine/fixes.ts)",
    on: FIX_NAMES.filter((f) => PROFILES[p][f]),
    redScenarios: SCENARIOS.filter((s) => redProfileOf(s.claim) === p).map((s) => s.name),
  }));
  return print(rows, flags.json);
}

export function fixesCommand(flags: { json?: boolean }): number {
  const rows = FIX_NAMES.map((f) => ({ name: f, about: FIX_SUMMARIES[f], profiles: Object.fromEntries(PROFILE_NAMES.map((p) => [p, PROFILES[p][f]])) }));
  const onOff = (r: Row) => PROFILE_NAMES.map((p) => `${p}=${(r.profiles as Record<string, boolean>)[p] ? "on" : "off"}`).join(" ");
  return print(rows, flags.json, (r) => [r.name, r.about, `(${onOff(r)})`]);
}

/** Failpoints the engine model hits, read from its sources (`FP.NAME` at a call site). */
function modelledFailpoints(): Set<string> {
  const engine = join(import.meta.dirname, "..", "..", "engine");
  const hit = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) for (const m of readFileSync(path, "utf8").matchAll(/\bFP\.([A-Z_]+)/g)) hit.add(m[1]!);
    }
  };
  walk(engine);
  return hit;
}

/** `mutation.post_finalize_pre_publisher` -> `mutation: post finalize, pre publisher`. */
function describeFailpoint(name: string): string {
  const [area, point] = name.split(".", 2) as [string, string];
  return `${area.replace(/_/g, " ")}: ${point.replace(/_(pre|post|before|after)_/g, ", $1 ").replace(/_/g, " ")}`;
}

export function failpointsCommand(flags: { json?: boolean }): number {
  const modelled = modelledFailpoints();
  const seed = new Set<string>(Object.values(SEED_FAILPOINTS));
  const rows = (Object.keys(FP) as (keyof typeof FP)[])
    .map((constant) => ({
      name: FP[constant] as string,
      constant: `FP.${constant}`,
      about: describeFailpoint(FP[constant]),
      era: seed.has(FP[constant]) ? "seed" : Object.values(HEAD_FAILPOINTS).includes(FP[constant] as never) ? "later" : "seed",
      modelled: modelled.has(constant),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return print(rows, flags.json, (r) => [r.name, r.modelled ? "modelled" : "not modelled", `${r.era} era`, r.about]);
}

export function oraclesCommand(flags: { json?: boolean }): number {
  const rows = [
    ...Object.keys(ORACLES)
      .sort()
      .map((name) => ({ name, about: ORACLE_ABOUT[name] ?? "", runs: "after every engine universe" })),
    { name: "liveness", about: LIVENESS_ABOUT, runs: "after every engine universe" },
  ];
  return print(rows, flags.json);
}
