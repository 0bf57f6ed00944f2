// The ports: every `// Mirrors <file>.rs::<test>` comment under test/, with the vitest test it
// labels (the first `test(` title after the comment).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

export interface Port {
  readonly file: string;
  readonly test: string;
  /** Repository-relative path of the test file. */
  readonly where: string;
  readonly line: number;
  /** The vitest test's title. */
  readonly title: string;
}

const MIRRORS = /\/\/ Mirrors ([a-z0-9_]+\.rs)::([A-Za-z0-9_]+)/g;
const TEST_TITLE = /\b(?:test|it)(?:\.each\([^)]*\))?\(\s*(["'`])((?:\\.|(?!\1).)*)\1/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return testFiles(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every port under `repo`/test, sorted by file and line. */
export function findPorts(repo: string): Port[] {
  const out: Port[] = [];
  for (const path of testFiles(join(repo, "test")).sort()) {
    const src = readFileSync(path, "utf8");
    for (const m of src.matchAll(MIRRORS)) {
      const after = src.slice(m.index!);
      const title = after.match(TEST_TITLE);
      out.push({
        file: m[1]!,
        test: m[2]!,
        where: relative(repo, path).split("\\").join("/"),
        line: src.slice(0, m.index!).split("\n").length,
        title: title ? title[2]! : "",
      });
    }
  }
  return out;
}
