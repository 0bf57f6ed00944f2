// Runs one sequence of storage operations on a fresh virtual store and on a fresh Lance backend,
// one call at a time, and judges every step. Versions named in an operation are resolved in the
// virtual store's numbering and mapped to Lance's (version-map.ts). The first step that is not
// in agreement ends the sequence, since the two states differ from there on; a sequence that
// ends in agreement is followed by a comparison of the whole final state.
import { lanceBackend, type LanceBackend } from "../../backends/lance/backend.ts";
import { version, type Branch, type DatasetPath, type Version, type VersionInfo } from "../../engine/storage/types.ts";
import { VirtualStore } from "../store/virtual-store.ts";
import { NOTHING_RESOLVED, storageCall, type Resolved } from "./calls.ts";
import { judge, type Verdict } from "./compare.ts";
import { explain, stagedRematch } from "./explain.ts";
import { datasetKey, datasetRefOf, HEAD, type FidelityOp, type VersionRef } from "./ops.ts";
import { outcomeOf, type Outcome } from "./outcome.ts";
import { VersionMap } from "./version-map.ts";

export interface RunOptions {
  /** A fresh Lance backend for the sequence (default: a new temporary directory). */
  readonly lance?: () => LanceBackend;
  /** A clock in milliseconds, to time each call; none by default, so a run stays deterministic. */
  readonly now?: () => number;
}

export interface StepRecord {
  readonly index: number;
  readonly op: FidelityOp;
  /** The operation kind as the agreement table counts it (commits by op, stale or not; final checks). */
  readonly label: string;
  readonly verdict: Verdict;
  readonly virtual: Outcome;
  readonly lance: Outcome;
  readonly virtualMs: number;
  readonly lanceMs: number;
}

export interface SequenceResult {
  readonly steps: readonly StepRecord[];
  /** Whether a step out of agreement ended the sequence. */
  readonly stopped: boolean;
}

interface Universe {
  readonly virtual: VirtualStore;
  readonly backend: LanceBackend;
  readonly vmap: VersionMap;
  readonly now: () => number;
}

export async function runSequence(ops: readonly FidelityOp[], options: RunOptions = {}): Promise<SequenceResult> {
  const backend = (options.lance ?? lanceBackend)();
  const u: Universe = { virtual: new VirtualStore(), backend, vmap: new VersionMap(), now: options.now ?? (() => 0) };
  const steps: StepRecord[] = [];
  try {
    for (const op of ops) {
      const step = await runStep(u, op, steps.length, "");
      steps.push(step);
      if (step.verdict.category === "known" || step.verdict.category === "disagree") return { steps, stopped: true };
    }
    for (const op of await finalChecks(u.virtual, ops)) {
      const step = await runStep(u, op, steps.length, "final ");
      steps.push(step);
      if (step.verdict.category === "known" || step.verdict.category === "disagree") return { steps, stopped: true };
    }
    return { steps, stopped: false };
  } finally {
    await backend.dispose();
  }
}

async function runStep(u: Universe, op: FidelityOp, index: number, prefix: string): Promise<StepRecord> {
  const ref = datasetRefOf(op);
  const key = ref === undefined ? "" : datasetKey(ref.ds, ref.branch);
  const virtualHead = await headOf(u.virtual, op);
  const lanceHead = virtualHead === undefined || key === "" ? virtualHead : u.vmap.toLance(key, virtualHead, virtualHead);
  const forVirtual = resolve(op, virtualHead);
  const forLance = key === "" || virtualHead === undefined ? forVirtual : mapResolved(u.vmap, key, forVirtual, virtualHead);
  const before = op.kind === "datasets.cleanup" ? await versionLists(u, op.ds) : undefined;

  const rematch = await stagedRematch(u.virtual, op, forVirtual.read, virtualHead);
  const call = (resolved: Resolved) => storageCall(op, resolved);
  const t0 = u.now();
  const virtual = await outcomeOf(() => call(forVirtual)(u.virtual));
  const t1 = u.now();
  const lance = await outcomeOf(() => call(forLance)(u.backend.storage));
  const t2 = u.now();

  let verdict = judge(op, virtual, lance, { key, vmap: u.vmap, virtualHead, lanceHead, ...(before ? { before } : {}) });
  // A fork on both: the branch's history up to the fork point is its parent's, numbering included.
  if (op.kind === "datasets.createBranch" && virtual.ok && lance.ok && forVirtual.at !== undefined) {
    u.vmap.forked(key, datasetKey(op.ds, op.name), forVirtual.at);
  }
  if (rematch !== undefined && virtual.ok && lance.ok) verdict = { category: "known", reason: rematch };
  if (verdict.category === "disagree") {
    const reason = await explain(op, virtual, lance, {
      virtual: u.virtual,
      lance: u.backend.storage,
      vmap: u.vmap,
      key,
      named: op.kind === "datasets.commit" ? forVirtual.read : forVirtual.at,
      virtualHead,
    });
    if (reason !== undefined) verdict = { category: "known", reason };
  }
  return { index, op, label: prefix + labelOf(op, forVirtual, virtualHead), verdict, virtual, lance, virtualMs: t1 - t0, lanceMs: t2 - t1 };
}

function labelOf(op: FidelityOp, r: Resolved, head: Version | undefined): string {
  const stale = head !== undefined && r.read >= 1 && r.read < head ? " (stale)" : "";
  if (op.kind === "datasets.commit") return `${op.kind} ${op.delta.op}${stale}`;
  if (op.kind === "manifest.merge") return `${op.kind}${stale}`;
  return op.kind;
}

/** The virtual HEAD an operation's versions are relative to, if that dataset or branch exists. */
async function headOf(store: VirtualStore, op: FidelityOp): Promise<Version | undefined> {
  const head = (call: () => Promise<Version>) => call().catch(() => undefined);
  const ref = datasetRefOf(op);
  if (ref !== undefined) return head(() => store.datasets.latestVersion(ref.ds, ref.branch));
  if (op.kind === "manifest.merge" || op.kind === "manifest.load") return head(() => store.manifest.latestVersion(op.branch));
  return undefined;
}

function resolve(op: FidelityOp, head: Version | undefined): Resolved {
  const at = (ref: VersionRef) => refVersion(ref, head ?? version(1));
  switch (op.kind) {
    case "datasets.commit":
    case "manifest.merge":
      return { read: at(op.read), at: undefined };
    case "datasets.checkout":
    case "datasets.restore":
    case "datasets.createBranch":
      return { read: version(0), at: at(op.at) };
    case "manifest.load":
      return { read: version(0), at: op.at === null ? undefined : at(op.at) };
    default:
      return NOTHING_RESOLVED;
  }
}

function refVersion(ref: VersionRef, head: Version): Version {
  switch (ref.from) {
    case "head":
      // Further back than the history goes is its first version (version 0 is `zero`).
      return version(Math.max(1, head - ref.back));
    case "ahead":
      return version(head + ref.by);
    case "zero":
      return version(0);
  }
}

function mapResolved(vmap: VersionMap, key: string, r: Resolved, head: Version): Resolved {
  return { read: vmap.toLance(key, r.read, head), at: r.at === undefined ? undefined : vmap.toLance(key, r.at, head) };
}

async function versionLists(u: Universe, path: DatasetPath): Promise<{ virtual: VersionInfo[]; lance: VersionInfo[] } | undefined> {
  try {
    return { virtual: await u.virtual.datasets.versions(path, null), lance: await u.backend.storage.datasets.versions(path, null) };
  } catch {
    return undefined;
  }
}

/** Reads of everything the sequence could have left behind, named from the virtual store's state. */
async function finalChecks(store: VirtualStore, ops: readonly FidelityOp[]): Promise<FidelityOp[]> {
  const checks: FidelityOp[] = [];
  const paths = [...new Set(ops.flatMap((op) => ("ds" in op ? [op.ds] : [])))].sort();
  for (const ds of paths) {
    checks.push({ kind: "datasets.exists", ds });
    if (!(await store.datasets.exists(ds))) continue;
    checks.push({ kind: "datasets.versions", ds }, { kind: "datasets.checkout", ds, at: HEAD }, { kind: "datasets.listBranches", ds });
    for (const name of await store.datasets.listBranches(ds)) {
      checks.push({ kind: "datasets.branchContents", ds, name }, { kind: "datasets.checkout", ds, at: HEAD, branch: name });
    }
  }
  checks.push({ kind: "manifest.exists" });
  if (await store.manifest.exists()) {
    checks.push({ kind: "manifest.listBranches" });
    const branches: Branch[] = [null, ...(await store.manifest.listBranches())];
    for (const branch of branches) {
      checks.push({ kind: "manifest.load", branch, at: null });
      if (branch !== null) checks.push({ kind: "manifest.branchContents", name: branch });
    }
  }
  checks.push({ kind: "objects.list", prefix: "" });
  for (const key of await store.objects.list("")) checks.push({ kind: "objects.get", key });
  return checks;
}
