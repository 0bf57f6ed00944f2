// Source scanners behind the guard tests. They work on text so that each can be shown to go
// red on a planted defect.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export const REPO = join(import.meta.dirname, "..", "..");

export function tsFilesUnder(dir: string, skip: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const rel = relative(REPO, p);
      if (name === "node_modules" || skip(rel)) continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".ts")) out.push(p);
    }
  };
  walk(join(REPO, dir));
  return out;
}

/** Removes comments, keeping string literals and line numbers intact. */
export function stripComments(src: string): string {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const next = src[i + 1];
    if (c === "/" && next === "/") {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (c === "/" && next === "*") {
      i += 2;
      while (i < src.length && !(src[i] === "*" && src[i + 1] === "/")) {
        if (src[i] === "\n") out += "\n";
        i++;
      }
      i += 2;
    } else if (c === '"' || c === "'" || c === "`") {
      const q = c;
      out += c;
      i++;
      while (i < src.length && src[i] !== q) {
        if (src[i] === "\\") {
          out += src[i]! + (src[i + 1] ?? "");
          i += 2;
          continue;
        }
        out += src[i];
        i++;
      }
      out += q;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

export function findAll(file: string, src: string, pattern: RegExp): Finding[] {
  const code = stripComments(src);
  const out: Finding[] = [];
  const re = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g");
  for (const m of code.matchAll(re)) {
    const line = code.slice(0, m.index).split("\n").length;
    out.push({ file, line, text: m[0] });
  }
  return out;
}

export function read(path: string): string {
  return readFileSync(path, "utf8");
}
