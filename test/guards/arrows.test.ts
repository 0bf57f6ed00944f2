// The layering: cli -> scenarios -> sim -> backends -> engine -> failpoints. A folder may import
// only from itself and the folders to its right; engine/ never imports the simulator or a
// backend. A backend is a second implementation of the engine's storage seam, so of the engine
// it may import only that seam (engine/storage/).
import { relative } from "node:path";
import { expect, test } from "vitest";
import { findAll, read, REPO, tsFilesUnder } from "./source-scan.ts";

const LAYERS = ["cli", "scenarios", "sim", "backends", "engine", "failpoints"] as const;
type Layer = (typeof LAYERS)[number];

/** What of the engine a backend may see: the storage seam and nothing else. */
const BACKEND_MAY_SEE = "engine/storage/";

const IMPORT = /from\s+["'](\.{1,2}\/[^"']+)["']/;

/** Imports of `file` that point left of its layer, or from a backend past the storage seam. */
export function backwardImports(file: string, src: string): string[] {
  const own = file.split("/")[0] as Layer;
  const rank = LAYERS.indexOf(own);
  const out: string[] = [];
  for (const hit of findAll(file, src, IMPORT)) {
    const spec = hit.text.match(IMPORT)![1]!;
    const parts = file.split("/").slice(0, -1);
    for (const seg of spec.split("/")) {
      if (seg === "..") parts.pop();
      else if (seg !== ".") parts.push(seg);
    }
    const target = parts.join("/");
    const targetRank = LAYERS.indexOf(parts[0] as Layer);
    if (targetRank >= 0 && targetRank < rank) out.push(`${file}:${hit.line} imports ${target}`);
    else if (own === "backends" && parts[0] === "engine" && !target.startsWith(BACKEND_MAY_SEE)) {
      out.push(`${file}:${hit.line} imports ${target} (a backend sees only ${BACKEND_MAY_SEE})`);
    }
  }
  return out;
}

test("no folder imports from a layer to its left", () => {
  const files = LAYERS.flatMap((d) => tsFilesUnder(d));
  expect(files.some((f) => relative(REPO, f).startsWith("backends/"))).toBe(true);
  const hits = files.flatMap((f) => backwardImports(relative(REPO, f), read(f)));
  expect(hits).toEqual([]);
});

test("the guard goes red on a planted backward import", () => {
  expect(backwardImports("engine/graph/x.ts", 'import { World } from "../../sim/world.ts";')).toEqual([
    "engine/graph/x.ts:1 imports sim/world.ts",
  ]);
  expect(backwardImports("engine/graph/x.ts", 'import { lanceBackend } from "../../backends/lance/backend.ts";')).toEqual([
    "engine/graph/x.ts:1 imports backends/lance/backend.ts",
  ]);
  expect(backwardImports("backends/lance/x.ts", 'import { World } from "../../sim/world.ts";')).toEqual([
    "backends/lance/x.ts:1 imports sim/world.ts",
  ]);
  expect(backwardImports("sim/x.ts", 'import { PROFILES } from "../engine/fixes.ts";')).toEqual([]);
  expect(backwardImports("sim/x.ts", 'import { lanceBackend } from "../backends/lance/backend.ts";')).toEqual([]);
});

test("a backend sees only the engine's storage seam", () => {
  expect(backwardImports("backends/lance/x.ts", 'import { StorageError } from "../../engine/storage/errors.ts";')).toEqual([]);
  expect(backwardImports("backends/lance/x.ts", 'import { commitAll } from "../../engine/write/commit-all.ts";')).toEqual([
    "backends/lance/x.ts:1 imports engine/write/commit-all.ts (a backend sees only engine/storage/)",
  ]);
});
