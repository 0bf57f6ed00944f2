// What replaying on real Lance costs: a few scripted universes, each run on the virtual store
// and on Lance (one fresh directory per universe, removed after it), with the median wall time
// of each over a few runs, the ratio, and Lance's cost per storage call. It also says whether
// the two traces had the same hash (docs/fidelity.md explains where they cannot).
import { performance } from "node:perf_hooks";
import { PROFILES, type ProfileName } from "../engine/fixes.ts";
import { findScenario } from "../scenarios/registry.ts";
import { formSpec } from "../scenarios/types.ts";
import { lanceBackendFactory } from "../sim/backends.ts";
import { type BackendFactory, runUniverse, virtualBackend } from "../sim/universe.ts";
import { median, round, table } from "./table.ts";

/** Scripted universes of different sizes: a recovery race, a @card race, optimize, a wedge. */
export const LANCE_COST_UNIVERSES: readonly { readonly scenario: string; readonly profile: ProfileName }[] = [
  { scenario: "open-sweep-cas-race", profile: "seed" },
  { scenario: "card-concurrent-insert", profile: "seed" },
  { scenario: "loser-sidecar-wedge", profile: "fixed" },
  { scenario: "optimize-vs-write", profile: "fixed" },
  { scenario: "schema-apply-reopen", profile: "fixed" },
];

export interface LanceCostRow {
  readonly scenario: string;
  readonly profile: ProfileName;
  /** Scheduler steps and storage calls of one universe (the same on both backends). */
  readonly steps: number;
  readonly storageCalls: number;
  /** Median milliseconds per universe. */
  readonly virtualMs: number;
  readonly lanceMs: number;
  /** lanceMs / virtualMs. */
  readonly ratio: number;
  /** Lance milliseconds per storage call (the universe's whole time spread over its calls). */
  readonly lanceMsPerCall: number;
  readonly sameTraceHash: boolean;
}

export interface LanceCostOptions {
  /**
   * Timed Lance runs per universe, after one untimed warm-up; default 5 (3 with `quick`). The
   * virtual store, a hundred times cheaper and noisier, gets five times as many.
   */
  readonly runs?: number;
  readonly quick?: boolean;
  readonly universes?: readonly { readonly scenario: string; readonly profile: ProfileName }[];
}

export async function benchLanceCost(options: LanceCostOptions = {}): Promise<{ rows: LanceCostRow[]; lines: string[] }> {
  const runs = options.runs ?? (options.quick === true ? 3 : 5);
  const lance = lanceBackendFactory();
  const rows: LanceCostRow[] = [];
  for (const { scenario: name, profile } of options.universes ?? LANCE_COST_UNIVERSES) {
    const scenario = findScenario(name);
    if (scenario === undefined) throw new Error(`lance-cost: no scenario ${name}`);
    const spec = formSpec(scenario, "scripted");
    const once = async (backend: BackendFactory) => {
      const t0 = performance.now();
      const result = await runUniverse({ spec, seed: 1, fixes: PROFILES[profile], backend });
      return { ms: performance.now() - t0, result };
    };
    const timed = async (backend: BackendFactory, n: number) => {
      const first = await once(backend);
      const ms: number[] = [];
      for (let i = 0; i < n; i++) ms.push((await once(backend)).ms);
      return { ms: median(ms), result: first.result };
    };
    const onModel = await timed(virtualBackend, runs * 5);
    const onLance = await timed(lance, runs);
    const storageCalls = onLance.result.trace.events().filter((e) => e.e === "io").length;
    rows.push({
      scenario: name,
      profile,
      steps: onLance.result.steps,
      storageCalls,
      virtualMs: round(onModel.ms, 2),
      lanceMs: round(onLance.ms, 1),
      ratio: round(onLance.ms / onModel.ms, 0),
      lanceMsPerCall: round(onLance.ms / Math.max(1, storageCalls), 2),
      sameTraceHash: onLance.result.traceHash === onModel.result.traceHash,
    });
  }
  const lines = [
    `Replaying on real Lance: scripted universes, median ms of ${runs} runs on Lance and ${runs * 5} on the virtual store (after a warm-up)`,
    ...table(
      ["scenario", "profile", "steps", "storage calls", "virtual ms", "Lance ms", "ratio", "Lance ms/call", "same trace hash"],
      rows.map((r) => [
        r.scenario,
        r.profile,
        String(r.steps),
        String(r.storageCalls),
        String(r.virtualMs),
        String(r.lanceMs),
        `${r.ratio}x`,
        String(r.lanceMsPerCall),
        r.sameTraceHash ? "yes" : "no (docs/fidelity.md)",
      ]),
    ),
  ];
  return { rows, lines };
}
