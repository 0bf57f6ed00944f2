// As upstream's failpoint_names_guard: failpoints are named by catalog constants, never by
// string literals, so a typo cannot make a failpoint that silently never fires.
import { relative } from "node:path";
import { expect, test } from "vitest";
import { ALL_FAILPOINTS } from "../../failpoints/catalog.ts";
import { findAll, read, REPO, tsFilesUnder } from "./source-scan.ts";

/** A string literal as the name argument of a failpoint call (newline-tolerant). */
const LITERAL_CALL = /\b(?:maybeFail\s*\(\s*[\w.]+\s*,|\.(?:hit|reached|release|hits|clear|action)\s*\(|failpoints\.set\s*\(|parkFirst\s*\()\s*["'`]/;

export function literalFailpointUses(file: string, src: string) {
  const calls = findAll(file, src, LITERAL_CALL);
  const names = ALL_FAILPOINTS.flatMap((name) =>
    findAll(file, src, new RegExp(`["'\`]${name.replace(/\./g, "\\.")}["'\`]`)),
  );
  return [...calls, ...names];
}

test("no source names a failpoint with a string literal outside the catalog", () => {
  const files = ["engine", "sim", "scenarios", "cli", "test", "failpoints"]
    .flatMap((d) => tsFilesUnder(d))
    // The catalog defines the names; this file plants literals on purpose.
    .filter((f) => !["failpoints/catalog.ts", "test/guards/failpoint-names-guard.test.ts"].includes(relative(REPO, f)));
  const hits = files.flatMap((f) => literalFailpointUses(relative(REPO, f), read(f)));
  expect(hits).toEqual([]);
});

test("the guard goes red on a planted literal, at a call site and anywhere else", () => {
  const planted = [
    "await maybeFail(env, 'optimize.before_compact');",
    "registry.set(",
    '  "recovery.sidecar_write", { kind: "error" });',
    'const n = "mutation.post_finalize_pre_publisher";',
    "await maybeFail(env, FP.OPTIMIZE_BEFORE_COMPACT);",
  ].join("\n");
  const hits = literalFailpointUses("planted.ts", planted).map((h) => h.line).sort();
  expect(hits).toEqual([1, 1, 3, 4]);
});
