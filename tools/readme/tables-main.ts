// `npm run readme:tables`: rewrites the README's generated tables.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderReadme } from "./tables.ts";

const path = join(import.meta.dirname, "..", "..", "README.md");
writeFileSync(path, renderReadme(readFileSync(path, "utf8")));
