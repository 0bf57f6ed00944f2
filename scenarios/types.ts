// What a scenario declares: its claim (the bug, the profile on which it is red, the symptom, the
// fixes that close it) and its two forms (a scripted failpoint schedule and a searched world).
import { SEARCHED_FAULT_BUDGET } from "../sim/fault-plan.ts";
import { History } from "../sim/oracles/history.ts";
import { judge } from "../sim/oracles/judge.ts";
import { excuseFaults } from "../sim/faults/judge.ts";
import { type LivenessProbe, recoverAndCheckLiveness } from "../sim/oracles/liveness.ts";
import type { CrashEpilogue, UniverseSpec } from "../sim/universe.ts";
import { afterCrash, historyAtCut, judgedFrom, oraclesFrom } from "./kit/crash-epilogue.ts";
import type { World } from "../sim/world.ts";
import type { ScenarioClaim } from "./claims.ts";
import type { StorageFaultKind } from "../sim/faults/kinds.ts";

export type ScenarioForm = "searched" | "scripted";

/** What a scenario body works with in one universe. */
export interface ScenarioContext {
  readonly world: World;
  readonly history: History;
}

export interface Scenario {
  readonly name: string;
  /** One line for `omnisim list`. */
  readonly summary: string;
  /** What the scenario claims: checked by the claims suite in `npm test` and by `hunt`. */
  readonly claim: ScenarioClaim;
  /** Crashes the search may choose. */
  readonly crashBudget?: number;
  /** Durable writes per process over which a crash point is drawn (see sim/strategies/crash-plan.ts). */
  readonly crashHorizon?: number;
  readonly maxSteps?: number;
  /**
   * Storage fault kinds its searched form runs with (the seeded plan, `sim/faults/`), for a bug
   * only a storage fault reaches; `--faults` replaces them. None unless given.
   */
  readonly storageFaults?: readonly StorageFaultKind[];
  /**
   * The write a fresh process must manage after recovery (the liveness oracle); absent for
   * scenarios that do not run on the engine. Engine scenarios' searched forms also get the
   * harness's seeded fault plan (`sim/fault-plan.ts`).
   */
  readonly probe?: LivenessProbe;
  /** No script: the seed decides the interleaving, the crashes and the faults. Arms no failpoint. */
  searched(ctx: ScenarioContext): Promise<void>;
  /** A deterministic failpoint script that shows the bug's exact symptom. */
  scripted?(ctx: ScenarioContext): Promise<void>;
}

/** The simulator's view of one form of a scenario: the body, then liveness, then the oracles. */
export function formSpec(scenario: Scenario, form: ScenarioForm): UniverseSpec {
  const body = form === "scripted" ? scenario.scripted : scenario.searched;
  if (!body) throw new Error(`scenario ${scenario.name} has no ${form} form`);
  const histories = new WeakMap<World, History>();
  /** Crash-state futures: where their judgement starts (`judgedFrom`). */
  const judgedAt = new WeakMap<World, number>();
  return {
    name: `${scenario.name}/${form}`,
    ...(form === "searched" && scenario.crashBudget !== undefined ? { crashBudget: scenario.crashBudget } : {}),
    ...(scenario.crashHorizon !== undefined ? { crashHorizon: scenario.crashHorizon } : {}),
    ...(form === "searched" && scenario.probe ? { faultBudget: SEARCHED_FAULT_BUDGET } : {}),
    ...(scenario.maxSteps !== undefined ? { maxSteps: scenario.maxSteps } : {}),
    ...(form === "searched" && scenario.storageFaults?.length ? { storageFaults: { kinds: scenario.storageFaults } } : {}),
    async direct(world) {
      const history = new History(world);
      histories.set(world, history);
      await body.call(scenario, { world, history });
      if (scenario.probe) await recoverAndCheckLiveness(world, history, scenario.probe);
    },
    async judge(world) {
      const history = histories.get(world);
      if (history && scenario.probe) {
        const from = judgedAt.get(world);
        await (from === undefined ? judge(world, history) : judge(world, history, oraclesFrom(from), from));
        excuseFaults(world, history);
      }
    },
    ...(form === "searched" && scenario.probe ? { crashes: crashEpilogue(scenario, scenario.searched, scenario.probe, histories, judgedAt) } : {}),
    operations: (world) => {
      const c = histories.get(world)?.counts() ?? { attempted: 0, completed: 0 };
      // A workload's operations that never began (their actor died first) were attempted too.
      return { attempted: Math.max(c.attempted, world.plannedOperations), completed: c.completed };
    },
  };
}

/** A scenario's part in crash-state enumeration (`sim/cuts/`): its body alone, then what follows a crash. */
function crashEpilogue(scenario: Scenario, body: Scenario["searched"], probe: LivenessProbe, histories: WeakMap<World, History>, judgedAt: WeakMap<World, number>): CrashEpilogue {
  return {
    async base(world) {
      const history = new History(world);
      histories.set(world, history);
      await body.call(scenario, { world, history });
    },
    historyKey(from, traceLength) {
      const ops = histories.get(from)?.ops ?? [];
      let begun = 0;
      let ended = 0;
      for (const op of ops) {
        if (op.start < traceLength) begun++;
        if (op.end !== null && op.end <= traceLength) ended++;
      }
      return `${begun}/${ended}`;
    },
    async after(world, from, state) {
      const parent = histories.get(from);
      if (!parent) throw new Error(`crash state of ${scenario.name}: the universe it was cut from has no history`);
      const history = historyAtCut(parent, world, state.traceLength);
      histories.set(world, history);
      judgedAt.set(world, judgedFrom(state, history));
      await afterCrash(world, history, state, probe);
    },
  };
}
