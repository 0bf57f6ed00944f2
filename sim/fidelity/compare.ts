// Judging one operation's two outcomes. Each verdict is one of:
//   exact       the same value (or the same error kind), version numbers included;
//   normalized  the same once Lance's version numbers are read through the version map, or
//               once what is documented as not compared (fragment counts, a cleanup's count of
//               removed versions) is set aside;
//   known       different, explained by a divergence docs/fidelity.md lists (explain.ts);
//   disagree    different, unexplained.
// Version-producing calls that succeeded on both record their versions in the map here.
import type { BranchContents, CommitResult, DatasetSnapshot, Row, Version, VersionInfo } from "../../engine/storage/types.ts";
import { canonicalJson } from "../trace.ts";
import type { FidelityOp } from "./ops.ts";
import type { Outcome } from "./outcome.ts";
import type { VersionMap } from "./version-map.ts";

export type Category = "exact" | "normalized" | "known" | "disagree";

export interface Verdict {
  readonly category: Category;
  /** Why a verdict is not exact. */
  readonly reason?: string;
}

export interface JudgeContext {
  /** The dataset's key in the version map. */
  readonly key: string;
  readonly vmap: VersionMap;
  /** HEADs before the call (undefined where the dataset did not exist). */
  readonly virtualHead: Version | undefined;
  readonly lanceHead: Version | undefined;
  /** Both backends' version lists just before a cleanup. */
  readonly before?: { readonly virtual: readonly VersionInfo[]; readonly lance: readonly VersionInfo[] };
}

const EXACT: Verdict = { category: "exact" };
const disagree = (reason: string): Verdict => ({ category: "disagree", reason });
const normalized = (reason: string): Verdict => ({ category: "normalized", reason });

export function judge(op: FidelityOp, virtual: Outcome, lance: Outcome, ctx: JudgeContext): Verdict {
  if (!virtual.ok || !lance.ok) {
    if (!virtual.ok && !lance.ok && virtual.kind === lance.kind) return EXACT;
    return disagree("outcomes differ");
  }
  const v = virtual.value;
  const l = lance.value;
  switch (op.kind) {
    case "datasets.create":
      ctx.vmap.created(ctx.key, v as Version, l as Version);
      return v === l ? EXACT : disagree("first versions differ");
    case "datasets.latestVersion":
      return sameVersion(ctx, v as Version, l as Version);
    case "datasets.checkout":
      return checkoutVerdict(ctx, v as DatasetSnapshot, l as DatasetSnapshot);
    case "datasets.commit":
      return commitVerdict(ctx, op.delta.op === "Rewrite", v as CommitResult, l as CommitResult);
    case "datasets.restore":
      return commitVerdict(ctx, false, { version: v as Version, rowsAffected: 0 }, { version: l as Version, rowsAffected: 0 });
    case "datasets.versions":
      return versionListVerdict(ctx, v as VersionInfo[], l as VersionInfo[]);
    case "datasets.cleanup":
      return cleanupVerdict(ctx, v as number, l as number);
    case "datasets.branchContents":
      return contentsVerdict(ctx, v as BranchContents, l as BranchContents);
    default:
      return canonicalJson(v) === canonicalJson(l) ? EXACT : disagree("values differ");
  }
}

/** A fork point read through the parent's numbering (the parent is main, or a branch forked alike). */
function contentsVerdict(ctx: JudgeContext, v: BranchContents, l: BranchContents): Verdict {
  if (v.parent !== l.parent) return disagree(`parents differ (model ${v.parent ?? "main"}, Lance ${l.parent ?? "main"})`);
  if (v.parentVersion === l.parentVersion) return EXACT;
  const key = ctx.key.split("@")[0]!;
  const parentKey = v.parent === null ? key : `${key}@${v.parent}`;
  return ctx.vmap.toLance(parentKey, v.parentVersion, v.parentVersion) === l.parentVersion
    ? normalized("fork point read through the parent's version map")
    : disagree(`fork points differ (model ${v.parentVersion}, Lance ${l.parentVersion})`);
}

function sameVersion(ctx: JudgeContext, v: Version, l: Version): Verdict {
  if (ctx.vmap.toLance(ctx.key, v, v) !== l) return disagree(`version ${v} maps to ${ctx.vmap.toLance(ctx.key, v, v)}, Lance said ${l}`);
  return v === l ? EXACT : normalized("version numbers offset by an earlier compaction");
}

function checkoutVerdict(ctx: JudgeContext, v: DatasetSnapshot, l: DatasetSnapshot): Verdict {
  if (!sameRows(v.rows, l.rows)) return disagree("rows differ");
  if (canonicalJson(v.indices) !== canonicalJson(l.indices)) return disagree("indices differ");
  const version = sameVersion(ctx, v.version, l.version);
  if (version.category === "disagree") return version;
  if (v.fragments !== l.fragments) return normalized(`fragment counts differ (model ${v.fragments}, Lance ${l.fragments})`);
  return version;
}

function commitVerdict(ctx: JudgeContext, compaction: boolean, v: CommitResult, l: CommitResult): Verdict {
  if (v.rowsAffected !== l.rowsAffected) return disagree(`rowsAffected ${v.rowsAffected} vs ${l.rowsAffected}`);
  const lanceHead = ctx.lanceHead ?? l.version;
  const added = l.version - lanceHead;
  ctx.vmap.record(ctx.key, v.version, l.version);
  if (compaction) {
    if (added < 0 || added > 3) return disagree(`optimize added ${added} versions`);
    return v.version === l.version ? EXACT : normalized(`optimize added ${added} versions, the model's compaction ${v.version - (ctx.virtualHead ?? v.version - 1)}`);
  }
  if (added !== 1) return disagree(`Lance added ${added} versions, the model 1`);
  return v.version === l.version ? EXACT : normalized("version numbers offset by an earlier compaction");
}

/** The virtual list read through the map: every Lance version accounted for, ops and read versions alike. */
export function versionListVerdict(ctx: JudgeContext, vList: readonly VersionInfo[], lList: readonly VersionInfo[]): Verdict {
  const head = vList.at(-1)?.version ?? (0 as Version);
  const map = (x: Version) => ctx.vmap.toLance(ctx.key, x, head);
  const lance = new Map(lList.map((e) => [e.version as number, e]));
  const accounted = new Set<number>();
  let exact = vList.length === lList.length;
  for (const [i, e] of vList.entries()) {
    const to = map(e.version);
    // The model's compaction is ReserveFragments then Rewrite, as upstream's Lance (stable row
    // ids) commits it; both versions are read against LanceDB's optimize together.
    if (e.op === "ReserveFragments" && vList[i + 1]?.op === "Rewrite") continue;
    if (e.op === "Rewrite") {
      // LanceDB's optimize: ReserveFragments, Rewrite and index-delta versions, or none.
      const reserved = vList[i - 1]?.op === "ReserveFragments" ? 2 : 1;
      const from = map((e.version - reserved) as Version);
      if (to === from) accounted.add(to);
      for (const l of lList.filter((x) => x.version > from && x.version <= to)) {
        if (!["ReserveFragments", "Rewrite", "CreateIndex"].includes(l.op)) return disagree(`Lance version ${l.version} (${l.op}) inside an optimize`);
        accounted.add(l.version);
      }
      if (to - from !== reserved || lance.get(to)?.op !== "Rewrite" || to !== e.version) exact = false;
      continue;
    }
    const l = lance.get(to);
    if (l === undefined) return disagree(`model version ${e.version} (${e.op}) has no Lance version ${to}`);
    if (l.op !== e.op || l.readVersion !== map(e.readVersion)) {
      return disagree(`version ${e.version}: model ${e.op} read ${e.readVersion}, Lance ${l.op} read ${l.readVersion}`);
    }
    accounted.add(to);
    if (to !== e.version || l.readVersion !== e.readVersion) exact = false;
  }
  const extra = lList.find((l) => !accounted.has(l.version));
  if (extra !== undefined) return disagree(`Lance version ${extra.version} (${extra.op}) has no model version`);
  return exact ? EXACT : normalized("version numbers read through the version map");
}

function cleanupVerdict(ctx: JudgeContext, v: number, l: number): Verdict {
  if (v === l) return EXACT;
  const before = ctx.before;
  if (before === undefined) return disagree(`removed ${v} vs ${l} versions`);
  const lists = versionListVerdict(ctx, before.virtual, before.lance);
  if (lists.category !== "disagree" && v === before.virtual.length - 1 && l === before.lance.length - 1) {
    return normalized(`removed ${v} model versions and ${l} Lance versions: optimize added other than one version`);
  }
  return disagree(`removed ${v} vs ${l} versions`);
}

/** Rows equal as multisets (the order of rows with one id is the fragments', which may differ). */
export function sameRows(a: readonly Row[], b: readonly Row[]): boolean {
  const key = (rows: readonly Row[]) => rows.map((r) => canonicalJson(r)).sort();
  return canonicalJson(key(a)) === canonicalJson(key(b));
}
