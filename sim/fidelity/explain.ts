// The documented divergences (docs/fidelity.md) a disagreement may be explained by. Anything
// not explained here is a disagreement the fidelity test fails on.
import type { LanceStorage } from "../../backends/lance/lance-storage.ts";
import { version, type DatasetPath, type Version } from "../../engine/storage/types.ts";
import type { VirtualStore } from "../store/virtual-store.ts";
import { sameLayoutHistory, virtualLayout, type FragmentLayout } from "./layouts.ts";
import type { FidelityOp } from "./ops.ts";
import type { Outcome } from "./outcome.ts";
import type { VersionMap } from "./version-map.ts";

/** Divergence names, as docs/fidelity.md lists them. */
export const KNOWN_DIVERGENCES = {
  fragmentLayout: "fragment-layout",
  versionArithmetic: "version-arithmetic",
  stagedRematch: "staged-rematch",
} as const;

export interface ExplainContext {
  readonly virtual: VirtualStore;
  readonly lance: LanceStorage;
  readonly vmap: VersionMap;
  readonly key: string;
  /** The version the operation named (a commit's read version, a checkout's or restore's target), model numbering. */
  readonly named: Version | undefined;
  readonly virtualHead: Version | undefined;
}

const CONFLICTS = new Set(["CommitConflict", "RetryableCommitConflict"]);

const isConflict = (o: Outcome) => !o.ok && CONFLICTS.has(o.kind);
const isVersionNotFound = (o: Outcome) => !o.ok && o.kind === "VersionNotFound";

export async function explain(op: FidelityOp, v: Outcome, l: Outcome, ctx: ExplainContext): Promise<string | undefined> {
  const { named, virtualHead } = ctx;
  if (named === undefined || virtualHead === undefined || !("ds" in op)) return undefined;
  // A +0 optimize maps two model versions onto one Lance version: a cleanup then removes the
  // model's older one while Lance keeps it as HEAD, and a read of it succeeds on Lance only.
  // (The other way round, Lance missing a version the model has, has no such explanation.)
  if (isVersionNotFound(v) && l.ok && named < virtualHead && !ctx.vmap.inStep(ctx.key, named, virtualHead)) {
    return `${KNOWN_DIVERGENCES.versionArithmetic}: the named version and HEAD are one Lance version, after an optimize that added none`;
  }
  if (op.kind === "datasets.commit" && (isConflict(v) || isConflict(l)) && named < virtualHead) {
    return staleCommit(op.ds, { ...ctx, named }, virtualHead);
  }
  return undefined;
}

/** A stale commit's conflict outcome differs: was its window of history the same on both? */
async function staleCommit(path: DatasetPath, ctx: ExplainContext & { named: Version }, head: Version): Promise<string | undefined> {
  if (!ctx.vmap.inStep(ctx.key, ctx.named, head)) {
    return `${KNOWN_DIVERGENCES.versionArithmetic}: LanceDB's optimize did not add exactly one version between the read version and HEAD`;
  }
  const model: FragmentLayout[][] = [];
  const lance: FragmentLayout[][] = [];
  for (let v = ctx.named; v <= head; v++) {
    const at = version(v);
    const layout = virtualLayout(ctx.virtual, path, at);
    if (layout === undefined) return undefined;
    model.push(layout);
    lance.push(await ctx.lance.datasets.layout(path, ctx.vmap.toLance(ctx.key, at, head)));
  }
  if (!sameLayoutHistory(model, lance)) {
    return `${KNOWN_DIVERGENCES.fragmentLayout}: the backends' fragments differed between the read version and HEAD`;
  }
  return undefined;
}

/**
 * Before a stale staged merge-insert runs: if it inserts a key (absent at its read version)
 * that HEAD now has, the model inserts it again, as Lance's staged transaction would, and
 * LanceDB's mergeInsert, which matches at HEAD, updates it. From there the contents differ.
 */
export async function stagedRematch(store: VirtualStore, op: FidelityOp, read: Version, head: Version | undefined): Promise<string | undefined> {
  if (op.kind !== "datasets.commit" || op.delta.op !== "StagedMergeInsert" || head === undefined || read >= head || read < 1) return undefined;
  try {
    const atRead = new Set((await store.datasets.checkout(op.ds, null, read)).rows.map((r) => r.id));
    const atHead = new Set((await store.datasets.checkout(op.ds, null, head)).rows.map((r) => r.id));
    const rematched = op.delta.rows.filter((r) => !atRead.has(r.id) && atHead.has(r.id)).map((r) => r.id);
    if (rematched.length === 0) return undefined;
    return `${KNOWN_DIVERGENCES.stagedRematch}: ${rematched.join(", ")} inserted since the read version; the staged plan inserts again, LanceDB updates`;
  } catch {
    return undefined;
  }
}
