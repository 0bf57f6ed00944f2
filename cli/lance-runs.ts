// Universes on real Lance from the command line (`--backend lance`): each universe gets a fresh
// directory; `--keep` keeps the failing ones (`--keep-passing` every one), prints where each is,
// and records it in an index file beside them and a `omnisim-universe.json` inside (scenario,
// seed, trace hash, tables by their graph names). `--stop-at-violation` keeps the graph as it
// was when the failure happened (before the final recovery) instead of after everything.
// Directories not kept are removed, on Ctrl-C too.
import { appendFileSync, cpSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { tmpdir } from "node:os";
import type { Fixes } from "../engine/fixes.ts";
import type { DatasetPath, Storage } from "../engine/storage/types.ts";
import { datasetLocation } from "../backends/lance/paths.ts";
import { backendDirectory, type BackendName, lanceBackendFactory } from "../sim/backends.ts";
import { replayTape } from "../sim/shrink/shrink.ts";
import type { TraceEvent } from "../sim/trace.ts";
import { type BackendFactory, type UniverseResult, type UniverseSpec, virtualBackend } from "../sim/universe.ts";
import { type BackendFlags, resolveBackend, UsageError } from "./args.ts";
import { onInterrupt } from "./interrupt.ts";
import { tableNames } from "./table-names.ts";

export interface LanceFlags extends BackendFlags {
  keepPassing?: boolean;
  stopAtViolation?: boolean;
}

/** What a kept directory is, as its index line and `omnisim-universe.json` say. */
export interface KeptUniverse {
  readonly directory: string;
  readonly scenario: string;
  readonly form: string;
  readonly profile: string;
  readonly strategy: string;
  readonly seed: number;
  readonly verdict: "pass" | "fail";
  readonly violation: string | null;
  readonly traceHash: string;
  /** `at-violation` (before the final recovery) or `final` (after everything). */
  readonly state: "at-violation" | "final";
  /** Table key -> its LanceDB table directory under the graph root (`node:Person` -> `nodes/40d7....lance`). */
  readonly tables: Readonly<Record<string, string>>;
}

export const INDEX_FILE = "omnisim-kept.jsonl";
export const UNIVERSE_FILE = "omnisim-universe.json";

export interface RunBackend {
  readonly name: BackendName;
  readonly factory: BackendFactory;
  /** After each universe: remove its directory, or keep it and record it (`naming`: a hunt's cell). */
  after(result: UniverseResult, naming?: Naming): void;
  /** Lines saying where a failing universe's directory is (empty if none was kept). */
  keptLines(result: UniverseResult): string[];
  keptDirectories(): KeptUniverse[];
  /** `--stop-at-violation`: replace each kept failing directory by the graph at its violation. */
  finish(spec: UniverseSpec, fixes: Fixes): Promise<void>;
}

export interface Naming {
  readonly scenario: string;
  readonly form: string;
  readonly profile: string;
  readonly strategy: string;
}

export function resolveRunBackend(flags: LanceFlags, naming: Naming, options: { keepAny?: boolean } = {}): RunBackend {
  const chosen = resolveBackend(flags.backend === "lance" ? { backend: "lance" } : flags);
  if (chosen.name !== "lance") {
    if (flags.keepPassing || flags.stopAtViolation) throw new UsageError("--keep-passing and --stop-at-violation apply to --backend lance only");
    return { name: chosen.name, factory: virtualBackend, after: () => {}, keptLines: () => [], keptDirectories: () => [], finish: async () => {} };
  }
  if ((flags.keepPassing || flags.stopAtViolation) && !flags.keep) throw new UsageError("--keep-passing and --stop-at-violation go with --keep");
  const parent = flags.dir === undefined ? tmpdir() : resolve(flags.dir);
  const inner = lanceBackendFactory({ keep: true, dir: parent });
  const live = new Set<string>();
  const kept: KeptUniverse[] = [];
  /** Failing universes kept since the last `finish` (a hunt calls it after each cell). */
  const results = new Map<string, UniverseResult>();
  // LanceDB's native threads may still be writing into a live universe's directory when Ctrl-C
  // lands (and its object store creates missing parent directories): the removal retries a
  // directory that is not empty yet, then waits a moment and removes again any directory a
  // native write recreated meanwhile, until one wait passes with none back (at most 8 passes;
  // two back-to-back passes left one behind in a CI run).
  const removeLive = () => {
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let pass = 0; pass < 8; pass++) {
      for (const d of live) rmSync(d, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
      Atomics.wait(pause, 0, 0, 40);
      if (![...live].some((d) => existsSync(d))) break;
    }
    live.clear();
  };
  onInterrupt(removeLive);
  process.on("exit", removeLive);
  const factory: BackendFactory = (seeds) => {
    const backend = inner(seeds);
    const dir = backendDirectory(backend);
    if (dir) live.add(dir);
    return backend;
  };
  const record = (k: KeptUniverse) => {
    writeFileSync(join(k.directory, UNIVERSE_FILE), `${JSON.stringify(k, null, 2)}\n`);
    appendFileSync(join(dirname(k.directory), INDEX_FILE), `${JSON.stringify(k)}\n`);
  };
  return {
    name: "lance",
    factory,
    after(result, cell) {
      const dir = backendDirectory(result.world.backend);
      if (!dir) return;
      live.delete(dir);
      const keep = flags.keep === true && (result.verdict === "fail" || flags.keepPassing === true || options.keepAny === true);
      if (!keep) {
        rmSync(dir, { recursive: true, force: true });
        return;
      }
      const k: KeptUniverse = {
        directory: dir,
        ...(cell ?? naming),
        seed: result.seed,
        verdict: result.verdict,
        violation: result.violations[0]?.kind ?? null,
        traceHash: result.traceHash,
        state: "final",
        tables: tablesOf(result.trace.events()),
      };
      kept.push(k);
      if (flags.stopAtViolation) results.set(dir, result);
      record(k);
    },
    keptLines(result) {
      const dir = backendDirectory(result.world.backend);
      const k = kept.find((x) => x.directory === dir || x.directory === `${dir}-at-violation`);
      return k ? [`  kept the Lance graph${k.state === "at-violation" ? " as it was at the violation" : ""} at ${k.directory} (index: ${join(dirname(k.directory), INDEX_FILE)})`] : [];
    },
    keptDirectories: () => [...kept],
    async finish(spec, fixes) {
      if (!flags.stopAtViolation) return;
      for (let i = 0; i < kept.length; i++) {
        const k = kept[i]!;
        const first = results.get(k.directory);
        if (!first || k.verdict !== "fail") continue;
        results.delete(k.directory);
        const calls = ioBeforeStop(first.trace.events());
        const target = `${k.directory}-at-violation`;
        let taken = false;
        const again = await replayTape({
          spec,
          fixes,
          seed: first.seed,
          tape: first.tape,
          backend: (seeds) => {
            const backend = factory(seeds);
            let n = 0;
            const snap = () => {
              if (++n === calls && !taken) {
                taken = true;
                cpSync(backendDirectory(backend)!, target, { recursive: true });
              }
            };
            return { ...backend, storage: counting(backend.storage, snap) };
          },
        });
        const againDir = backendDirectory(again.world.backend);
        if (againDir) {
          live.delete(againDir);
          rmSync(againDir, { recursive: true, force: true });
        }
        if (!taken) continue;
        rmSync(k.directory, { recursive: true, force: true });
        const moved: KeptUniverse = { ...k, directory: target, state: "at-violation" };
        kept[i] = moved;
        record(moved);
      }
    },
  };
}

/** Table key -> the LanceDB table's directory, relative to the graph root (`nodes/40d7....lance`). */
function tablesOf(events: readonly TraceEvent[]): Record<string, string> {
  const onDisk = (path: string) => {
    const at = datasetLocation("", path as DatasetPath);
    return join(at.dir, `${at.table}.lance`);
  };
  return Object.fromEntries([...tableNames(events)].map(([path, key]) => [key, onDisk(path)]).sort());
}

/**
 * How many storage calls the universe made before its failure happened: before its first
 * violation or the final recovery (the `restart` process), whichever comes first.
 */
export function ioBeforeStop(events: readonly TraceEvent[]): number {
  let calls = 0;
  for (const ev of events) {
    if (ev.e === "violation" || (ev.e === "process" && ev.proc === "restart")) return calls;
    if (ev.e === "io") calls++;
  }
  return calls;
}

/** The storage, calling `after` once each call has completed (each is one `io` event). */
function counting(inner: Storage, after: () => void): Storage {
  const wrap = <T extends object>(ns: T): T =>
    new Proxy(ns, {
      get(target, key) {
        const value = Reflect.get(target, key) as unknown;
        if (typeof value !== "function") return value;
        return async (...args: unknown[]) => {
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } finally {
            after();
          }
        };
      },
    });
  return { datasets: wrap(inner.datasets), manifest: wrap(inner.manifest), objects: wrap(inner.objects) };
}
