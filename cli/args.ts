// Parsing and checking what the user typed. Every mistake is a UsageError: one line on
// stderr and exit code 2, never a stack trace.
import { readFileSync } from "node:fs";
import { type Fixes, type FixName, isFixName, isProfileName, PROFILE_NAMES, PROFILES, type ProfileName } from "../engine/fixes.ts";
import { findScenario, SCENARIOS } from "../scenarios/registry.ts";
import type { Scenario } from "../scenarios/types.ts";
import { BACKEND_NAMES, type BackendName, backendByName, isBackendName } from "../sim/backends.ts";
import { parseTapeFile, type TapeFile } from "../sim/tape.ts";
import type { BackendFactory } from "../sim/universe.ts";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export function parseSeed(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`bad seed "${text}": a seed is a non-negative integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new UsageError(`bad seed "${text}": too large`);
  return n;
}

export function parseCount(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`bad ${what} "${text}": expected a positive integer`);
  }
  return Number(text);
}

export function parseProfile(text: string): ProfileName {
  if (!isProfileName(text)) throw new UsageError(`unknown profile "${text}" (profiles: ${PROFILE_NAMES.join(", ")})`);
  return text;
}

/** `--fix name`, `--fix name=on`, `--fix name=off`. */
export function parseFixOverrides(items: readonly string[]): Partial<Record<FixName, boolean>> {
  const out: Partial<Record<FixName, boolean>> = {};
  for (const item of items) {
    const [name, value = "on"] = item.split("=", 2) as [string, string?];
    if (!isFixName(name)) throw new UsageError(`unknown fix "${name}"`);
    if (value !== "on" && value !== "off") throw new UsageError(`bad fix value "${item}": use ${name}=on or ${name}=off`);
    out[name] = value === "on";
  }
  return out;
}

export interface ProfileChoice {
  /** The profile name plus any overrides, as reports show it: `seed+fix296`. */
  readonly label: string;
  readonly fixes: Fixes;
  /** The arguments that reproduce this choice on a command line. */
  readonly argv: readonly string[];
}

export function resolveProfile(name: string, fixItems: readonly string[] = []): ProfileChoice {
  const profile = parseProfile(name);
  const overrides = parseFixOverrides(fixItems);
  const fixes = { ...PROFILES[profile], ...overrides };
  const changed = (Object.keys(overrides) as FixName[]).map((k) => `${k}=${overrides[k] ? "on" : "off"}`);
  return {
    label: changed.length ? `${profile}+${changed.join("+")}` : profile,
    fixes,
    argv: ["--profile", profile, ...changed.flatMap((c) => ["--fix", c])],
  };
}

export function resolveScenario(name: string): Scenario {
  const s = findScenario(name);
  if (!s) throw new UsageError(`unknown scenario "${name}" (see \`omnisim list\`; known: ${SCENARIOS.map((x) => x.name).join(", ")})`);
  return s;
}

export function readTape(path: string): TapeFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read tape file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return parseTapeFile(text);
  } catch (e) {
    throw new UsageError(`bad tape file ${path}: ${(e as Error).message}`);
  }
}

export interface BackendFlags {
  backend?: string;
  keep?: boolean;
  dir?: string;
}

/** `--backend virtual|lance` with `--keep` and `--dir` (Lance only). */
export function resolveBackend(flags: BackendFlags): { name: BackendName; factory: BackendFactory } {
  const name = flags.backend ?? "virtual";
  if (!isBackendName(name)) throw new UsageError(`unknown backend "${name}" (backends: ${BACKEND_NAMES.join(", ")})`);
  try {
    return { name, factory: backendByName(name, { ...(flags.keep ? { keep: true } : {}), ...(flags.dir !== undefined ? { dir: flags.dir } : {}) }) };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
