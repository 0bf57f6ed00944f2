// Crash-state enumeration of a run of seeds, as plain data a worker thread can receive and send
// back (`omnisim crashes --jobs N`, `--shard k/n`, and `hunt`'s crash cells). Whoever runs a seed
// gets the same states and verdicts: each depends only on (scenario, fixes, strategy, faults, seed).
import type { Fixes } from "../../engine/fixes.ts";
import { isClaimed } from "../../scenarios/claims.ts";
import { formSpec } from "../../scenarios/types.ts";
import { formatCut } from "../../sim/cuts/crash-state.ts";
import { describeWrite } from "../../sim/cuts/crash-state.ts";
import { enumerateSeed, type StateOutcome } from "../../sim/cuts/enumerate.ts";
import type { StorageFaultKind } from "../../sim/faults/kinds.ts";
import { signatureOf, type Violation } from "../../sim/violations.ts";
import { scenarioNamed, strategiesFor } from "./search-task.ts";
import type { StrategyChoice } from "../strategies.ts";

export interface CrashTask {
  readonly scenario: string;
  readonly fixes: Fixes;
  readonly strategy: StrategyChoice;
  readonly fromSeed: number;
  readonly seeds: number;
  /** 1: single crashes; 2: and a crash of each recovery at each of its durable writes. */
  readonly depth: number;
  /** Storage fault kinds the uncut runs may suffer (`--faults`); empty for none. */
  readonly faults: readonly StorageFaultKind[];
  /** Judge by the scenario's claim (hunt): mark which failing states show its own symptom. */
  readonly claims?: boolean;
  /** Run every state's own future (no sharing between equivalent neighbours). */
  readonly noReduction?: boolean;
}

/** One state whose future had a violation. */
export interface FailingState {
  readonly seed: number;
  /** Its name (`117a.3b`): with the seed, the cut to replay. */
  readonly cut: string;
  /** The write it cuts at (`objects.put __recovery/... by a01`); null at the end of the run. */
  readonly write: string | null;
  readonly kind: string;
  readonly message: string;
  readonly signature: string;
  /** The future's trace hash: given for the first state of each signature in a seed (hashing costs). */
  readonly traceHash: string | null;
  /** With `claims`: whether it shows the scenario's own claimed symptom. */
  readonly claimed: boolean;
  /** Every violation of the state's future (a hunt tells known bugs from unknown ones by them). */
  readonly violations: readonly Violation[];
}

export interface CrashSeedOutcome {
  readonly seed: number;
  readonly writes: number;
  readonly recoveryWrites: number;
  readonly states: number;
  readonly statesByDepth: readonly number[];
  /** Content digests of the durable states (to count distinct ones across seeds). */
  readonly digests: readonly string[];
  readonly violations: number;
  readonly failing: readonly FailingState[];
  /** The uncut run failed by itself (no state was enumerated). */
  readonly baseFailure: { readonly kind: string; readonly message: string; readonly signature: string; readonly traceHash: string } | null;
  readonly steps: number;
  readonly stopped: boolean;
  readonly futures: number;
  readonly shared: number;
  readonly mismatches: number;
  /** Failpoint windows reached, armed and cut in (the reach ledger). */
  readonly windows: { readonly reached: readonly string[]; readonly armed: readonly string[]; readonly crashed: readonly string[] };
}

export interface CrashTaskHooks {
  /** After each state (progress). */
  readonly onState?: (seed: number, state: StateOutcome) => void;
  readonly checkpoint?: () => Promise<boolean>;
}

export async function runCrashTask(task: CrashTask, hooks: CrashTaskHooks = {}): Promise<CrashSeedOutcome[]> {
  const scenario = await scenarioNamed(task.scenario);
  const spec = formSpec(scenario, "searched");
  if (!spec.crashes) throw new Error(`scenario ${scenario.name} has no crash states (it has no liveness probe to judge a recovery by)`);
  const strategies = await strategiesFor({ scenario: task.scenario, form: "searched", fixes: task.fixes, strategy: task.strategy, faults: task.faults });
  const out: CrashSeedOutcome[] = [];
  for (let seed = task.fromSeed; seed < task.fromSeed + task.seeds; seed++) {
    const failing: FailingState[] = [];
    const hashed = new Set<string>();
    const e = await enumerateSeed({
      spec,
      fixes: task.fixes,
      seed,
      strategy: strategies.forSeed(seed),
      depth: task.depth,
      reduction: task.noReduction !== true,
      ...(task.faults.length > 0 ? { storageFaults: { kinds: task.faults } } : {}),
      onState: (s) => {
        if (s.result.verdict === "fail") {
          const v = s.result.violations[0]!;
          const signature = signatureOf(v);
          const first = !hashed.has(signature);
          hashed.add(signature);
          failing.push({
            seed,
            cut: formatCut(s.name),
            write: s.write ? describeWrite(s.write) : null,
            kind: v.kind,
            message: v.message,
            signature,
            traceHash: first ? s.result.traceHash : null,
            claimed: task.claims === true && s.result.violations.some((w) => isClaimed(scenario.claim, w, s.result.violations)),
            violations: s.result.violations.map((x) => ({ ...x })),
          });
        }
        hooks.onState?.(seed, s);
      },
      ...(hooks.checkpoint ? { checkpoint: hooks.checkpoint } : {}),
    });
    const base = e.baseFailure;
    out.push({
      seed,
      writes: e.writes,
      recoveryWrites: e.recoveryWrites,
      states: e.states,
      statesByDepth: e.statesByDepth,
      digests: [...e.digests],
      violations: e.violations,
      failing,
      baseFailure: base
        ? { kind: base.violations[0]!.kind, message: base.violations[0]!.message, signature: signatureOf(base.violations[0]!), traceHash: base.traceHash }
        : null,
      steps: e.steps,
      stopped: e.stopped,
      futures: e.futures,
      shared: e.shared,
      mismatches: e.mismatches,
      windows: { reached: [...e.windows.reached], armed: [...e.windows.armed], crashed: [...e.windows.crashed] },
    });
    if (e.stopped) break;
  }
  return out;
}
