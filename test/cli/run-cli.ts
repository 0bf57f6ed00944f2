// Runs the omnisim command as a user would, for end-to-end CLI tests.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const BIN = join(import.meta.dirname, "..", "..", "bin", "omnisim.js");

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The last stdout line parsed as JSON (for `--json`). */
  readonly json: Record<string, unknown> | null;
}

export function omnisim(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 120_000 });
  const lines = r.stdout.trim().split("\n");
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(lines[lines.length - 1] ?? "") as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json };
}
