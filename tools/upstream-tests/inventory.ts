// The inventory: every upstream test of the listed files at the seed, with its class and
// reason. Built from the upstream mirror by `inventory-main.ts`; checked in as inventory.json
// so the doc generator and its test never need the mirror.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { classify, LATER, RULES, type TestClass } from "./classification.ts";
import { rustTestNames } from "./rust-tests.ts";

export const INVENTORY_FILE = join(import.meta.dirname, "inventory.json");

/** The checked-in inventory. */
export function readInventory(): Inventory {
  return JSON.parse(readFileSync(INVENTORY_FILE, "utf8")) as Inventory;
}

export interface InventoryEntry {
  readonly test: string;
  readonly cls: TestClass;
  readonly reason: string;
}

export interface LaterEntry {
  readonly test: string;
  /** The upstream commit that added it. */
  readonly commit: string;
  readonly reason: string;
}

export interface Inventory {
  readonly seed: string;
  /** Upstream test file name (e.g. `writes.rs`) to its tests, in source order. */
  readonly files: Readonly<Record<string, readonly InventoryEntry[]>>;
  /** Tests added after the seed that the model ports, by file. */
  readonly later: Readonly<Record<string, readonly LaterEntry[]>>;
}

/**
 * Classifies every test of every file. `sourceOf(file, commit)` returns the file's text at a
 * commit (the seed, or the commit a later test came with). Fails on a test no rule covers, a
 * name a rule lists that the file lacks, a later test missing at its commit, or a duplicate.
 */
export function buildInventory(seed: string, sourceOf: (file: string, commit: string) => string): Inventory {
  const files: Record<string, InventoryEntry[]> = {};
  const problems: string[] = [];
  for (const [file, rules] of Object.entries(RULES)) {
    const names = rustTestNames(sourceOf(file, seed));
    const seen = new Set<string>();
    files[file] = [];
    for (const test of names) {
      if (seen.has(test)) problems.push(`${file}: ${test} appears twice`);
      seen.add(test);
      const rule = classify(file, test);
      if (!rule) problems.push(`${file}: no rule classifies ${test}`);
      else files[file]!.push({ test, cls: rule.cls, reason: rule.reason });
    }
    for (const rule of rules) {
      if (!Array.isArray(rule.match)) continue;
      for (const name of rule.match as readonly string[]) if (!seen.has(name)) problems.push(`${file}: a rule names ${name}, which the file does not have`);
    }
  }
  const later: Record<string, LaterEntry[]> = {};
  for (const [file, groups] of Object.entries(LATER)) {
    later[file] = [];
    for (const g of groups) {
      const there = new Set(rustTestNames(sourceOf(file, g.commit)));
      for (const test of g.tests) {
        if (!there.has(test)) problems.push(`${file}: ${test} is not there at ${g.commit}`);
        if (files[file]?.some((t) => t.test === test)) problems.push(`${file}: ${test} is already at the seed`);
        later[file]!.push({ test, commit: g.commit, reason: g.reason });
      }
    }
  }
  if (problems.length > 0) throw new Error(`the inventory is inconsistent:\n  ${problems.join("\n  ")}`);
  return { seed, files, later };
}
