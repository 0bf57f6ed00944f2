// Applying a mutant: its anchor must occur exactly once in its file, so a change that moves or
// duplicates the code breaks the catalog loudly instead of mutating the wrong place.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Mutant } from "./types.ts";

export function occurrences(text: string, find: string): number {
  if (find.length === 0) return 0;
  let n = 0;
  for (let at = text.indexOf(find); at >= 0; at = text.indexOf(find, at + 1)) n++;
  return n;
}

/** Why `m` cannot be applied to the tree at `root`, or null when its anchor occurs exactly once. */
export function anchorProblem(root: string, m: Mutant): string | null {
  let text: string;
  try {
    text = readFileSync(join(root, m.file), "utf8");
  } catch {
    return `${m.id}: ${m.file} does not exist`;
  }
  const n = occurrences(text, m.find);
  if (n !== 1) return `${m.id}: its anchor occurs ${n} times in ${m.file} (it must occur exactly once)`;
  if (m.find === m.replace) return `${m.id}: its replacement equals its anchor`;
  return null;
}

/** Patches the tree at `root` (a copy, never the repository). */
export function applyMutant(root: string, m: Mutant): void {
  const problem = anchorProblem(root, m);
  if (problem) throw new Error(problem);
  const path = join(root, m.file);
  const text = readFileSync(path, "utf8");
  const at = text.indexOf(m.find);
  writeFileSync(path, text.slice(0, at) + m.replace + text.slice(at + m.find.length));
}
