// `npm run bench:readme`: rewrites README.md's benchmark tables from bench/results.json and
// bench/against.json; with `--check`, exits 1 when they are not current instead.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { regenerated } from "./readme.ts";

const path = join(import.meta.dirname, "..", "README.md");
const readme = readFileSync(path, "utf8");
const next = regenerated(readme);
if (process.argv.includes("--check")) {
  if (next !== readme) {
    console.error("README.md's benchmark tables are not those of bench/results.json: run npm run bench:readme");
    process.exit(1);
  }
} else if (next !== readme) {
  writeFileSync(path, next);
  console.log("README.md: benchmark tables regenerated from bench/results.json");
} else {
  console.log("README.md: benchmark tables already current");
}
