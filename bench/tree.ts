// A source tree of omnisim as the benchmarks drive it: this one, or another commit checked out
// beside it (`--against REV`). Both are loaded into one process through their own modules, so
// the two can be timed turn about, on the same machine at the same moment. Only entry points
// that old commits have too are used: the registry, `formSpec`, `runUniverse`, the profiles, and
// the random workload's builder.
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

/** What one universe reports, on any commit. */
export interface UniverseFacts {
  readonly steps: number;
  readonly verdict: "pass" | "fail";
  /** The scenario's operations that ended (null on commits that do not count them). */
  readonly operationsCompleted: number | null;
}

export interface Tree {
  /** `this tree`, or the revision's name. */
  readonly label: string;
  /** Scenario names this tree knows, in its registry's order. */
  readonly scenarios: readonly string[];
  /** Runs `scenario`'s searched form on `fixed` from `seed` (`random-workload@30`: 30 operations per actor). */
  run(scenario: string, seed: number): Promise<UniverseFacts>;
}

/** The random workload at 30 operations per actor, as the issue measures it. */
export const RANDOM_WORKLOAD_30 = "random-workload@30";

interface Loaded {
  PROFILES: Record<string, unknown>;
  SCENARIOS: readonly { name: string }[];
  formSpec: (s: unknown, form: "searched") => unknown;
  runUniverse: (o: { spec: unknown; seed: number; fixes: unknown }) => Promise<{
    steps: number;
    verdict: "pass" | "fail";
    operations?: { completed: number };
  }>;
  randomWorkload?: (o: { operations: number; exactOperations?: boolean }) => unknown;
}

export async function loadTree(root: string, label: string): Promise<Tree> {
  const load = (path: string) => import(pathToFileURL(`${root}/${path}`).href) as Promise<Record<string, unknown>>;
  const m = {
    ...(await load("engine/fixes.ts")),
    ...(await load("scenarios/registry.ts")),
    ...(await load("scenarios/types.ts")),
    ...(await load("sim/universe.ts")),
    ...(await load("scenarios/random-workload.ts")),
  } as unknown as Loaded;
  const specs = new Map<string, unknown>();
  const specOf = (name: string): unknown => {
    let spec = specs.get(name);
    if (spec === undefined) {
      const scenario =
        name === RANDOM_WORKLOAD_30 && m.randomWorkload
          ? m.randomWorkload({ operations: 30, exactOperations: true })
          : m.SCENARIOS.find((s) => s.name === name);
      if (!scenario) throw new Error(`${label} has no scenario ${name}`);
      spec = m.formSpec(scenario, "searched");
      specs.set(name, spec);
    }
    return spec;
  };
  return {
    label,
    scenarios: m.SCENARIOS.map((s) => s.name),
    async run(scenario, seed) {
      const r = await m.runUniverse({ spec: specOf(scenario), seed, fixes: m.PROFILES.fixed });
      return { steps: r.steps, verdict: r.verdict, operationsCompleted: r.operations?.completed ?? null };
    },
  };
}

/** Work done and wall time spent by one tree on one scenario, summed over turns. */
export interface Tally {
  universes: number;
  steps: number;
  operationsCompleted: number | null;
  failed: number;
  ms: number;
  /** The next seed to run: every turn continues where the last one stopped. */
  nextSeed: number;
}

export function emptyTally(): Tally {
  return { universes: 0, steps: 0, operationsCompleted: 0, failed: 0, ms: 0, nextSeed: 1 };
}

/** Runs universes of `scenario` for about `windowMs` (at least one), adding to `tally`. */
export async function turn(tree: Tree, scenario: string, windowMs: number, tally: Tally): Promise<void> {
  const started = performance.now();
  do {
    const r = await tree.run(scenario, tally.nextSeed++);
    tally.universes++;
    tally.steps += r.steps;
    if (r.verdict === "fail") tally.failed++;
    tally.operationsCompleted = r.operationsCompleted === null || tally.operationsCompleted === null ? null : tally.operationsCompleted + r.operationsCompleted;
  } while (performance.now() - started < windowMs);
  tally.ms += performance.now() - started;
}

export interface Rates {
  readonly universes: number;
  readonly failed: number;
  readonly universesPerSecond: number;
  readonly stepsPerSecond: number;
  /** Null where the tree does not count operations. */
  readonly operationsPerSecond: number | null;
}

export function ratesOf(t: Tally): Rates {
  const per = (n: number) => Math.round((n * 1000 * 10) / t.ms) / 10;
  return {
    universes: t.universes,
    failed: t.failed,
    universesPerSecond: per(t.universes),
    stepsPerSecond: Math.round(per(t.steps)),
    operationsPerSecond: t.operationsCompleted === null ? null : per(t.operationsCompleted),
  };
}
