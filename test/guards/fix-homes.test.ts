// engine/fixes.ts's claim: each fix flag is read in one place in the engine, the one file named
// for it (kebab case: `readSetToken` in `read-set-token.ts`), and no other engine file reads
// `fixes` at all (no destructuring, no passing the set around, no indexing by name).
import { basename, relative } from "node:path";
import { expect, test } from "vitest";
import { FIX_NAMES } from "../../engine/fixes.ts";
import { findAll, read, REPO, tsFilesUnder } from "./source-scan.ts";

/** The file name a flag's home must have. */
export const homeName = (flag: string) => `${flag.replace(/([A-Z])/g, "-$1").toLowerCase()}.ts`;

/** Files that may name the set itself: where it is declared and where the Env carries it. */
const DECLARING = new Set(["engine/fixes.ts", "engine/env.ts"]);

export interface HomeReport {
  /** Flags whose readers are not exactly their home. */
  readonly misplaced: string[];
  /** Reads of `fixes` other than `fixes.<flag>`. */
  readonly other: string[];
}

export function fixHomes(files: ReadonlyMap<string, string>, flags: readonly string[]): HomeReport {
  const readers = new Map<string, Set<string>>(flags.map((f) => [f, new Set()]));
  const other: string[] = [];
  const FLAG_READ = new RegExp(`\\bfixes\\s*\\.\\s*(${flags.join("|")})\\b`);
  const ANY_READ = /\bfixes\b(?!\s*\.\s*\w)|\bfixes\s*\.\s*\w+/;
  for (const [file, src] of files) {
    if (DECLARING.has(file)) continue;
    for (const hit of findAll(file, src, ANY_READ)) {
      const flag = hit.text.match(FLAG_READ)?.[1];
      if (flag !== undefined) readers.get(flag)!.add(file);
      else if (!/^\s*import\b/.test(src.split("\n")[hit.line - 1] ?? "")) other.push(`${file}:${hit.line} ${hit.text}`);
    }
  }
  const misplaced: string[] = [];
  for (const [flag, files] of readers) {
    const list = [...files];
    if (list.length !== 1 || basename(list[0]!) !== homeName(flag)) misplaced.push(`${flag}: read in ${list.join(", ") || "no file"} (home: a file named ${homeName(flag)})`);
  }
  return { misplaced, other };
}

test("every fix flag is read in exactly one engine file, named for the flag, and nothing else reads the set", () => {
  const files = new Map(tsFilesUnder("engine").map((f) => [relative(REPO, f), read(f)] as const));
  expect(fixHomes(files, FIX_NAMES)).toEqual({ misplaced: [], other: [] });
});

test("the guard goes red on a second reader, a misnamed home, a flag read nowhere, and a destructured set", () => {
  const files = new Map([
    ["engine/write/read-set-token.ts", "export const on = (env) => env.fixes.readSetToken;"],
    ["engine/write/commit-all.ts", "if (env.fixes.readSetToken) x();"],
    ["engine/recovery/process.ts", "if (env.fixes.fix296) y();"],
    ["engine/write/execute.ts", "const { stagedDeletes } = env.fixes;"],
  ]);
  const report = fixHomes(files, ["readSetToken", "fix296", "auditOnce"]);
  expect(report.misplaced).toEqual([
    "readSetToken: read in engine/write/read-set-token.ts, engine/write/commit-all.ts (home: a file named read-set-token.ts)",
    "fix296: read in engine/recovery/process.ts (home: a file named fix296.ts)",
    "auditOnce: read in no file (home: a file named audit-once.ts)",
  ]);
  expect(report.other).toEqual(["engine/write/execute.ts:1 fixes"]);
  expect(fixHomes(new Map([["engine/recovery/fix296.ts", "return env.fixes.fix296;"]]), ["fix296"])).toEqual({ misplaced: [], other: [] });
});
