// The seed ledger: `scenarios/regressions.json`, every failure saved with `--save`, as the
// triple that names it plus the tape that replays it. A vitest suite replays each entry: it must
// still fail on the profile it was found on, with the same violation kind, and pass on `fixed`.
// The file stays sorted and free of duplicates; a ledger that does not parse is refused with the
// reason, never rewritten.
import { accessSync, constants, existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { EnvironmentError } from "./errors.ts";
import { resolveProfile, type ProfileChoice } from "./args.ts";

export const LEDGER_PATH = join(import.meta.dirname, "..", "scenarios", "regressions.json");

export interface LedgerEntry {
  readonly scenario: string;
  /** The profile label, with any fix overrides: `seed`, `seed+fix296=on`. */
  readonly profile: string;
  readonly form: "searched" | "scripted";
  readonly seed: number;
  /** What found it (`random`, `pct:d=3`, `dfs:p=2`, `portfolio`); the tape replays it regardless. */
  readonly strategy: string;
  /** The violation kind it shows first. */
  readonly violation: string;
  readonly tape: readonly number[];
}

export class LedgerError extends Error {
  override readonly name = "LedgerError";
}

const ABOUT =
  "Failures found by omnisim and saved with --save. test/search/ledger.test.ts replays each tape: it must fail on its profile with its violation and pass on fixed.";

const KEYS = ["scenario", "profile", "form", "seed", "strategy", "violation", "tape"] as const;

function checkEntry(raw: unknown, i: number): LedgerEntry {
  const where = `entry ${i}`;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new LedgerError(`${where} is not an object`);
  const e = raw as Record<string, unknown>;
  for (const k of ["scenario", "profile", "strategy", "violation"] as const) {
    if (typeof e[k] !== "string" || (e[k] as string).length === 0) throw new LedgerError(`${where}: "${k}" must be a non-empty string`);
  }
  if (e.form !== "searched" && e.form !== "scripted") throw new LedgerError(`${where}: "form" must be "searched" or "scripted"`);
  if (!Number.isSafeInteger(e.seed) || (e.seed as number) < 0) throw new LedgerError(`${where}: "seed" must be a non-negative integer`);
  if (!Array.isArray(e.tape) || !e.tape.every((v) => Number.isSafeInteger(v) && v >= 0)) {
    throw new LedgerError(`${where}: "tape" must be a list of non-negative integers`);
  }
  const extra = Object.keys(e).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (extra.length) throw new LedgerError(`${where}: unknown field(s) ${extra.join(", ")}`);
  try {
    profileOfLabel(e.profile as string);
  } catch (err) {
    throw new LedgerError(`${where}: bad profile "${String(e.profile)}": ${(err as Error).message}`);
  }
  return {
    scenario: e.scenario as string,
    profile: e.profile as string,
    form: e.form,
    seed: e.seed as number,
    strategy: e.strategy as string,
    violation: e.violation as string,
    tape: e.tape as number[],
  };
}

export function parseLedger(text: string): LedgerEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new LedgerError(`not JSON: ${(e as Error).message}`);
  }
  const entries = (data as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) throw new LedgerError('expected an object with an "entries" list');
  return entries.map(checkEntry);
}

/** The entries of the ledger at `path`; none if the file does not exist. Throws on a corrupt ledger. */
export function readLedger(path: string = LEDGER_PATH): LedgerEntry[] {
  if (!existsSync(path)) return [];
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new LedgerError(`cannot read the seed ledger ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return parseLedger(text);
  } catch (e) {
    if (e instanceof LedgerError) throw new LedgerError(`corrupt seed ledger ${path}: ${e.message}`);
    throw e;
  }
}

function sortKey(e: LedgerEntry): string {
  return [e.scenario, e.profile, e.form, e.violation, String(e.seed).padStart(16, "0"), e.strategy, JSON.stringify(e.tape)].join("\u0000");
}

/** Two entries are the same failure when they replay the same universe. */
function identity(e: LedgerEntry): string {
  return [e.scenario, e.profile, e.form, e.seed, JSON.stringify(e.tape)].join("\u0000");
}

/** Sorted, without duplicates (the first of two equal entries stays). */
export function normalizeLedger(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const seen = new Set<string>();
  const out: LedgerEntry[] = [];
  for (const e of entries) {
    const id = identity(e);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(e);
  }
  return out.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}

/** One entry a line, keys in a fixed order, so diffs stay readable. */
export function formatLedger(entries: readonly LedgerEntry[]): string {
  const lines = entries.map((e) => `    ${JSON.stringify(Object.fromEntries(KEYS.map((k) => [k, e[k]])))}`);
  return `{\n  "about": ${JSON.stringify(ABOUT)},\n  "entries": [\n${lines.join(",\n")}\n  ]\n}\n`;
}

/** Adds entries to the ledger at `path`; returns how many were new. */
export function appendToLedger(entries: readonly LedgerEntry[], path: string = LEDGER_PATH): number {
  const before = readLedger(path);
  const after = normalizeLedger([...before, ...entries]);
  const added = after.length - before.length;
  if (added === 0 && existsSync(path)) return 0;
  const tmp = `${path}.tmp`;
  try {
    writeFileSync(tmp, formatLedger(after));
    renameSync(tmp, path);
  } catch (e) {
    throw new EnvironmentError(`cannot write the seed ledger ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return added;
}

/** The ledger `--save` names (true: the default one), checked before any universe runs. */
export function saveTarget(save: boolean | string | undefined): string | null {
  if (save === undefined || save === false) return null;
  const path = typeof save === "string" ? save : LEDGER_PATH;
  readLedger(path);
  // Refused before any universe runs: a search that found a failure must be able to save it.
  try {
    const target = existsSync(path) ? path : dirname(path);
    if (!statSync(target).isDirectory() && target !== path) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    if (target === path && statSync(path).isDirectory()) throw Object.assign(new Error("a directory"), { code: "EISDIR" });
    accessSync(target, constants.W_OK);
  } catch (e) {
    throw new EnvironmentError(`cannot write the seed ledger ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return path;
}

/** The profile a ledger label names: `seed`, `seed+fix296=on+readSetToken=off`. */
export function profileOfLabel(label: string): ProfileChoice {
  const [base, ...fixes] = label.split("+");
  return resolveProfile(base ?? "", fixes);
}
