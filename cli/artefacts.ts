// Files omnisim leaves behind for a failure (tapes, traces): named for everything that tells two
// failures apart (scenario, form, profile, strategy, seed), and never silently overwritten. A
// file that already holds the same content is reused; one that holds something else is kept and
// the new file gets the next free number.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { ScenarioForm } from "../scenarios/types.ts";
import { EnvironmentError } from "./errors.ts";

/** Where artefacts go unless told otherwise (gitignored). */
export const OUTPUT_DIR = ".omnisim";

export interface ArtefactName {
  /** A registered scenario name or a scenario file's path (its base name is used). */
  readonly scenario: string;
  readonly form: ScenarioForm;
  readonly profile: string;
  /** The strategy label (`random`, `pct:d=3`, `portfolio`, `dfs:p=2`, `tape`). */
  readonly strategy: string;
  readonly seed: number;
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9_.=+-]/g, "_");

/** `.omnisim/<scenario>.<form>.<profile>.<strategy>.seed<S>.<suffix>` */
export function artefactPath(n: ArtefactName, suffix: string, dir: string = OUTPUT_DIR): string {
  const scenario = safe(basename(n.scenario).replace(/\.[cm]?[jt]s$/, ""));
  return join(dir, `${scenario}.${n.form}.${safe(n.profile)}.${safe(n.strategy)}.seed${n.seed}.${suffix}`);
}

/** `a.tape.json`, `a.2.tape.json`, `a.3.tape.json`, ... */
function numbered(path: string, suffix: string, i: number): string {
  return i === 1 ? path : `${path.slice(0, path.length - suffix.length - 1)}.${i}.${suffix}`;
}

/**
 * Writes `content` at `path`, or, if another content is already there, at the first numbered
 * variant that is free or holds the same content. `exact`: the user named the file; then it is
 * written as asked. Returns the path written.
 */
export function writeArtefact(path: string, suffix: string, content: string, exact = false): string {
  try {
    mkdirSync(dirname(path), { recursive: true });
    if (exact) {
      writeFileSync(path, content);
      return path;
    }
    for (let i = 1; ; i++) {
      const candidate = numbered(path, suffix, i);
      if (!existsSync(candidate)) {
        writeFileSync(candidate, content, { flag: "wx" });
        return candidate;
      }
      if (readFileSync(candidate, "utf8") === content) return candidate;
    }
  } catch (e) {
    throw new EnvironmentError(`cannot write ${path}: ${describeFsError(e)}`);
  }
}

export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ?? err.message ?? String(e);
}
