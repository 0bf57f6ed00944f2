// The storage backends a universe can run on, by name: the virtual store (the default, in
// memory) and real Lance (`backends/lance/`), one fresh directory per universe. A Lance universe
// removes its directory when it is over (runUniverse disposes the backend after the oracles),
// unless asked to keep it.
//
// Which backend ran never reaches the trace. The engine only ever names the graph root in
// labels (a sidecar's `table_path`, whose length the trace records, and the name of a
// root-shared write queue, which a lock wait shows), and reaches storage through paths relative
// to the backend. So both backends hand the engine the same logical root, and the directory
// Lance really uses (random, per universe) stays out of the trace.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { lanceBackend } from "../backends/lance/backend.ts";
import { type BackendFactory, LOGICAL_ROOT, virtualBackend } from "./universe.ts";

export { LOGICAL_ROOT };
import type { Backend } from "./world.ts";

/** A Lance universe's backend: the world's Backend plus the directory it really lives in. */
export interface LanceUniverseBackend extends Backend {
  readonly directory: string;
}

export const BACKEND_NAMES = ["virtual", "lance"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

export interface LanceFactoryOptions {
  /** Leave each universe's directory behind (to inspect it with LanceDB); default false. */
  readonly keep?: boolean;
  /**
   * The directory under which each universe gets its own fresh subdirectory
   * (`omnisim-lance-XXXXXX`, created on demand); default the OS temp dir. The graph root of a
   * finished universe is `result.world.backend.root`.
   */
  readonly dir?: string;
}

/** A factory for `runUniverse`'s `backend` option: real Lance, one new directory per universe. */
export function lanceBackendFactory(options: LanceFactoryOptions = {}): BackendFactory {
  const parent = options.dir === undefined ? tmpdir() : resolve(options.dir);
  return () => {
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(join(parent, "omnisim-lance-"));
    const lance = lanceBackend({ dir, keep: options.keep === true });
    const backend: LanceUniverseBackend = {
      storage: lance.storage,
      external: true,
      root: LOGICAL_ROOT,
      directory: lance.root,
      dispose: () => lance.dispose(),
    };
    return backend;
  };
}

/** Where a universe's data lives on disk (a Lance universe; after `keep`), or null (virtual). */
export function backendDirectory(backend: Backend): string | null {
  const directory = (backend as Partial<LanceUniverseBackend>).directory;
  return typeof directory === "string" ? directory : null;
}

/**
 * The factory for a backend named on the command line. `keep` and `dir` concern Lance's
 * directories only; given with the virtual store they are an error, not silently ignored.
 */
export function backendByName(name: BackendName, options: LanceFactoryOptions = {}): BackendFactory {
  switch (name) {
    case "virtual":
      if (options.keep === true || options.dir !== undefined) {
        throw new Error("--keep and --dir apply to --backend lance only (the virtual store has no directory)");
      }
      return virtualBackend;
    case "lance":
      return lanceBackendFactory(options);
  }
}
