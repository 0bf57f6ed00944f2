// The layering: cli -> scenarios -> sim -> engine -> failpoints. A folder may import only from
// itself and the folders to its right; engine/ never imports the simulator.
import { relative } from "node:path";
import { expect, test } from "vitest";
import { findAll, read, REPO, tsFilesUnder } from "./source-scan.ts";

const LAYERS = ["cli", "scenarios", "sim", "engine", "failpoints"] as const;
type Layer = (typeof LAYERS)[number];

const IMPORT = /from\s+["'](\.{1,2}\/[^"']+)["']/;

/** Imports of `file` that point left of its layer (or into engine/lance from outside it). */
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
    const target = parts[0] as Layer;
    const targetRank = LAYERS.indexOf(target);
    if (targetRank >= 0 && targetRank < rank) out.push(`${file}:${hit.line} imports ${parts.join("/")}`);
  }
  return out;
}

test("no folder imports from a layer to its left", () => {
  const files = LAYERS.flatMap((d) => tsFilesUnder(d));
  const hits = files.flatMap((f) => backwardImports(relative(REPO, f), read(f)));
  expect(hits).toEqual([]);
});

test("the guard goes red on a planted backward import", () => {
  expect(backwardImports("engine/graph/x.ts", 'import { World } from "../../sim/world.ts";')).toEqual([
    "engine/graph/x.ts:1 imports sim/world.ts",
  ]);
  expect(backwardImports("sim/x.ts", 'import { PROFILES } from "../engine/fixes.ts";')).toEqual([]);
});
