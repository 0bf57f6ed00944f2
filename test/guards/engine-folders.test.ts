// The engine's folders form no cycle: if a file of folder A imports from folder B, no file of
// B imports, directly or through other folders, from A. (Files at engine/'s top level, such as
// env.ts, errors.ts and fixes.ts, are below every folder and not counted.) So each folder can
// be read knowing only the folders it imports: graph/ (the Omnigraph API, open, init) over
// write/, maintenance/ and schema-apply/, over handle/ (a handle, its heal and commit section),
// over recovery/, schema-state/, manifest/ and the rest.
import { relative } from "node:path";
import { expect, test } from "vitest";
import { findAll, read, REPO, tsFilesUnder } from "./source-scan.ts";

const IMPORT = /from\s+["'](\.{1,2}\/[^"']+)["']/;

/** Folder -> folders it imports, with one file-level import per edge as the witness. */
export type FolderGraph = Map<string, Map<string, string>>;

/** `files` maps a repo-relative path under engine/ to its source. */
export function folderGraph(files: ReadonlyMap<string, string>): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const [file, src] of files) {
    const own = file.split("/");
    if (own.length < 3) continue;
    for (const hit of findAll(file, src, IMPORT)) {
      const spec = hit.text.match(IMPORT)![1]!;
      const parts = own.slice(0, -1);
      for (const seg of spec.split("/")) {
        if (seg === "..") parts.pop();
        else if (seg !== ".") parts.push(seg);
      }
      if (parts[0] !== "engine" || parts.length < 3 || parts[1] === own[1]) continue;
      let out = graph.get(own[1]!);
      if (out === undefined) graph.set(own[1]!, (out = new Map()));
      if (!out.has(parts[1]!)) out.set(parts[1]!, `${file}:${hit.line} imports ${parts.join("/")}`);
    }
  }
  return graph;
}

/** Every cycle's folders, each given once, with the imports that close it. */
export function folderCycles(graph: FolderGraph): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const walk = (start: string, at: string, path: string[]) => {
    for (const next of graph.get(at)?.keys() ?? []) {
      if (next === start) {
        const key = [...path].sort().join(",");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(path.map((f, i) => graph.get(f)!.get(path[i + 1] ?? start)!));
        }
      } else if (!path.includes(next) && next > start) walk(start, next, [...path, next]);
    }
  };
  for (const start of [...graph.keys()].sort()) walk(start, start, [start]);
  return cycles;
}

test("no cycle between the engine's folders", () => {
  const files = new Map(tsFilesUnder("engine").map((f) => [relative(REPO, f), read(f)] as const));
  const graph = folderGraph(files);
  expect(graph.size).toBeGreaterThan(5);
  expect(folderCycles(graph)).toEqual([]);
});

test("the guard goes red on a planted cycle, direct or through a third folder", () => {
  const two = new Map([
    ["engine/graph/a.ts", 'import { x } from "../write/b.ts";'],
    ["engine/write/b.ts", 'import { y } from "../graph/a.ts";'],
  ]);
  expect(folderCycles(folderGraph(two))).toEqual([["engine/graph/a.ts:1 imports engine/write/b.ts", "engine/write/b.ts:1 imports engine/graph/a.ts"]]);
  const three = new Map([
    ["engine/a/x.ts", 'import { x } from "../b/y.ts";'],
    ["engine/b/y.ts", 'import { y } from "../c/z.ts";'],
    ["engine/c/z.ts", 'import { z } from "../a/x.ts";\nimport { e } from "../env.ts";'],
  ]);
  expect(folderCycles(folderGraph(three))).toHaveLength(1);
  const none = new Map([
    ["engine/a/x.ts", 'import { x } from "../b/y.ts";\nimport { f } from "./f.ts";'],
    ["engine/b/y.ts", 'import { e } from "../env.ts";'],
  ]);
  expect(folderCycles(folderGraph(none))).toEqual([]);
});
