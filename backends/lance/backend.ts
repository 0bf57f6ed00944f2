// The real backend as the simulated world takes it (`sim/world.ts`'s Backend): real I/O, so the
// scheduler awaits each storage call, one at a time. Each universe gets its own directory.
import { mkdirSync, mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { LanceStorage } from "./lance-storage.ts";

export interface LanceBackendOptions {
  /** The graph root; default a fresh temporary directory under the OS temp dir. */
  readonly dir?: string;
  /** Leave the directory behind on dispose (to inspect it with LanceDB); default false. */
  readonly keep?: boolean;
}

export interface LanceBackend {
  readonly storage: LanceStorage;
  readonly external: true;
  readonly root: string;
  /** Closes the connections and, unless `keep`, removes the directory (a given `dir` too). */
  dispose(): Promise<void>;
}

export function lanceBackend(options: LanceBackendOptions = {}): LanceBackend {
  const root = options.dir === undefined ? mkdtempSync(join(tmpdir(), "omnisim-lance-")) : resolve(options.dir);
  mkdirSync(root, { recursive: true });
  const storage = new LanceStorage(root);
  return {
    storage,
    external: true,
    root,
    dispose: async () => {
      await storage.close();
      if (options.keep !== true) await rm(root, { recursive: true, force: true });
    },
  };
}
