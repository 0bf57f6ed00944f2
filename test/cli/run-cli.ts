// Runs the omnisim command as a user would, for end-to-end CLI tests.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export const BIN = join(import.meta.dirname, "..", "..", "bin", "omnisim.js");
export const REPO = join(import.meta.dirname, "..", "..");

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The last stdout line parsed as JSON (for `--json`). */
  readonly json: Record<string, unknown> | null;
}

export function omnisimIn(cwd: string, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 300_000, cwd });
  const lines = r.stdout.trim().split("\n");
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(lines[lines.length - 1] ?? "") as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json };
}

export function omnisim(...args: string[]): CliResult {
  return omnisimIn(process.cwd(), ...args);
}

/** An error as the contract has it: exit 2, one line on stderr, no stack trace. */
export function expectUsageError(r: CliResult): string | null {
  if (r.code !== 2) return `exit ${r.code}, not 2 (stderr: ${r.stderr})`;
  const lines = r.stderr.trim().split("\n");
  if (lines.length !== 1) return `${lines.length} lines on stderr: ${r.stderr}`;
  if (/\n\s+at |\bat .*\(.*:\d+:\d+\)/.test(r.stderr)) return `a stack trace: ${r.stderr}`;
  return null;
}
