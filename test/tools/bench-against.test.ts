// `npm run bench -- --against REV` shares this tree's node_modules with REV: a dependency REV
// declares that this tree no longer installs is named up front (one line, exit 2), instead of
// the first import of REV's sources failing with a stack trace.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { missingPackages } from "../../bench/against.ts";

const ROOT = join(import.meta.dirname, "..", "..");

test("the dependencies of another revision that this tree's node_modules lacks are named with their versions", () => {
  const dir = mkdtempSync(join(tmpdir(), "omnisim-against-test-"));
  try {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ dependencies: { "fast-check": "4.10.2", "no-such-package-omnisim": "1.2.3" } }));
    expect(missingPackages(ROOT, dir)).toEqual(["no-such-package-omnisim@1.2.3"]);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ dependencies: { "fast-check": "4.10.2" } }));
    expect(missingPackages(ROOT, dir)).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
