// Parsing and checking what the user typed. Every mistake is a UsageError: one line on
// stderr and exit code 2, never a stack trace.
import { readFileSync } from "node:fs";
import parseDuration from "parse-duration";
import { FIX_NAMES, type Fixes, type FixName, isFixName, isProfileName, PROFILE_NAMES, PROFILES, type ProfileName } from "../engine/fixes.ts";
import { BACKEND_NAMES, type BackendName, backendByName, isBackendName } from "../sim/backends.ts";
import { parseTapeFile, type TapeFile } from "../sim/tape.ts";
import type { BackendFactory } from "../sim/universe.ts";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The largest seed: every seed a search runs is one `replay --seed` accepts. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

export function parseSeed(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`bad seed "${text}": a seed is a non-negative integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new UsageError(`bad seed "${text}": at most ${MAX_SEED}`);
  return n;
}

/** Seeds `from .. from+count-1`, refused if the last one is past the largest seed. */
export function checkSeedRange(from: number, count: number): void {
  if (from > MAX_SEED - (count - 1)) {
    throw new UsageError(`seeds ${from} to ${from} + ${count - 1} run past the largest seed ${MAX_SEED}: lower --seed or --seeds`);
  }
}

/** `--time 90s`, `5m`, `1h30m`: a wall-clock budget in milliseconds. */
export function parseTime(text: string): number {
  const ms = /^\d+$/.test(text.trim()) ? Number(text) * 1000 : parseDuration(text.trim());
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms <= 0) {
    throw new UsageError(`bad --time "${text}": a duration such as 90s, 5m or 1h (a bare number is seconds)`);
  }
  return ms;
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

/** `--fix name=on` and `--fix name=off`; a bare name is refused (on or off must be said). */
export function parseFixOverrides(items: readonly string[]): Partial<Record<FixName, boolean>> {
  const out: Partial<Record<FixName, boolean>> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    const name = eq < 0 ? item : item.slice(0, eq);
    const value = eq < 0 ? undefined : item.slice(eq + 1);
    if (!isFixName(name)) throw new UsageError(`unknown fix "${name}" (fixes: ${FIX_NAMES.join(", ")}; see \`npx omnisim fixes\`)`);
    if (value !== "on" && value !== "off") throw new UsageError(`bad --fix "${item}": say ${name}=on or ${name}=off`);
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
