// `npm run mutants:readme`: rewrites the README's mutants section from tools/mutants/results.json.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderMutantsReadme } from "./readme.ts";
import type { MutantsResults } from "./results.ts";

const repo = join(import.meta.dirname, "..", "..");
const results = JSON.parse(readFileSync(join(repo, "tools", "mutants", "results.json"), "utf8")) as MutantsResults;
const path = join(repo, "README.md");
writeFileSync(path, renderMutantsReadme(readFileSync(path, "utf8"), results));
