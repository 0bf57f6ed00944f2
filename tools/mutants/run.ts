// Running one mutant: copy the repository (without `.git` and `node_modules`, with
// `node_modules` linked), patch the copy, optionally type-check it, and run the child
// (child.ts) in it as its own process, so the engine under test is really the mutated one.
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { BASELINE_FILE, type ChildOutcome, OUTCOME_MARK, type RedUniverse } from "./outcome.ts";
import { applyMutant } from "./patch.ts";
import type { Mutant } from "./types.ts";

/**
 * Copies and children alive right now: an interrupted run (Ctrl-C, a CI job cancelled) kills
 * the children and removes the copies instead of leaving both behind.
 */
const liveRoots = new Set<string>();
const liveChildren = new Set<ReturnType<typeof spawn>>();
let interruptHandled = false;

function onInterrupt(signal: NodeJS.Signals): void {
  for (const child of liveChildren) child.kill("SIGKILL");
  for (const root of liveRoots) rmSync(root, { recursive: true, force: true });
  process.stderr.write(`mutants: interrupted (${signal}); children killed, copies removed\n`);
  process.exit(130);
}

function handleInterrupts(): void {
  if (interruptHandled) return;
  interruptHandled = true;
  process.once("SIGINT", onInterrupt);
  process.once("SIGTERM", onInterrupt);
}

/** Top-level entries a copy leaves out: history, dependencies (linked instead), run artefacts. */
const LEFT_OUT = new Set([".git", "node_modules", ".omnisim", "tmp"]);

/** A patched copy of `repo` (unpatched for null); the caller removes it. */
export function copyTree(repo: string, mutant: Mutant | null): string {
  const root = mkdtempSync(join(tmpdir(), `omnisim-mutant-${mutant?.id ?? "none"}-`));
  liveRoots.add(root);
  cpSync(repo, root, {
    recursive: true,
    // Only top-level entries are left out (a nested folder named `tmp` is copied).
    filter: (src) => !LEFT_OUT.has(relative(repo, src)),
  });
  symlinkSync(realpathSync(join(repo, "node_modules")), join(root, "node_modules"), "dir");
  if (mutant) applyMutant(root, mutant);
  return root;
}

export interface ChildOptions {
  /** Universes per cell. */
  readonly budget: number;
  /** Only these scenarios (null: the whole registry). */
  readonly scenarios: readonly string[] | null;
  /** Only the default hunt's cells on these profiles (null or absent: all of them). */
  readonly profiles?: readonly string[] | null;
  /** The unmutated tree's run: every universe, each failing one reported. */
  readonly baseline?: boolean;
  /** The `fixed` cells alone instead of every cell of the default hunt. */
  readonly fixedOnly?: boolean;
  /** Universes red on the unmutated tree, left out of a mutant's run. */
  readonly skip?: readonly RedUniverse[];
  /** The child is killed past this and reported as `timeout`. */
  readonly timeoutMs: number;
  /**
   * Type-check the patched copy first: a mutant the compiler refuses is not a realistic
   * regression. Unused names are allowed (a dropped call often leaves an import unused; a linter,
   * not the compiler, would flag that).
   */
  readonly typecheck: boolean;
}

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly ms: number;
}

function runProcess(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    handleInterrupts();
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    liveChildren.add(child);
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (e) => {
      liveChildren.delete(child);
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      liveChildren.delete(child);
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut, ms: Date.now() - started });
    });
  });
}

const firstLine = (s: string) => s.trim().split("\n")[0] ?? "";

/** Runs the hunt's cells in the tree at `root` (already patched). */
export async function runChild(root: string, o: ChildOptions): Promise<ChildOutcome> {
  if (o.typecheck) {
    const tsc = await runProcess(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", root, "--noUnusedLocals", "false", "--noUnusedParameters", "false"], root, 300_000);
    if (tsc.code !== 0) return { kind: "invalid", reason: `the mutated tree does not type-check: ${firstLine(tsc.stdout || tsc.stderr)}` };
  }
  const args = [join(root, "bin", "run-ts.js"), join(root, "tools", "mutants", "child.ts"), "--budget", String(o.budget)];
  if (o.scenarios) args.push("--scenarios", o.scenarios.join(","));
  if (o.profiles) args.push("--profiles", o.profiles.join(","));
  if (o.baseline) args.push("--baseline");
  if (o.fixedOnly) args.push("--fixed-only");
  if (o.skip?.length) {
    writeFileSync(join(root, BASELINE_FILE), JSON.stringify(o.skip));
    args.push("--skip-from", BASELINE_FILE);
  }
  const exit = await runProcess(process.execPath, args, root, o.timeoutMs);
  if (exit.timedOut) return { kind: "timeout", ms: exit.ms };
  const line = exit.stdout.split("\n").find((l) => l.startsWith(OUTCOME_MARK));
  if (!line) return { kind: "invalid", reason: `the child reported nothing (exit ${exit.code}): ${firstLine(exit.stderr)}` };
  return JSON.parse(line.slice(OUTCOME_MARK.length)) as ChildOutcome;
}

/** One mutant (or, for null, the unmutated tree) from copy to outcome; the copy is removed. */
export async function runMutant(repo: string, mutant: Mutant | null, o: ChildOptions): Promise<ChildOutcome> {
  const root = copyTree(repo, mutant);
  try {
    return await runChild(root, o);
  } finally {
    rmSync(root, { recursive: true, force: true });
    liveRoots.delete(root);
  }
}
