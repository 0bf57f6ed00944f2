// The README's scenario and flag tables are generated from the claims and the profiles; a
// stale table fails here (run `npm run readme:tables`).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { renderReadme } from "../../tools/readme/tables.ts";

test("the README's generated tables match the code", () => {
  const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
  expect(renderReadme(readme)).toBe(readme);
});

test("a README without a generated section is refused", () => {
  expect(() => renderReadme("# nothing here\n")).toThrow(/generated:scenarios/);
});
