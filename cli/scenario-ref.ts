// A scenario as the command line names it: a registered name (`omnisim list`), or the path of
// a user's own scenario file (`./my-scenario.ts`), which must export a Scenario (see
// scenarios/template.ts). The reference is kept as typed, so replay lines name it the same way.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { findScenario, SCENARIOS } from "../scenarios/registry.ts";
import type { Scenario } from "../scenarios/types.ts";
import { UsageError } from "./args.ts";

export interface ScenarioRef {
  readonly scenario: Scenario;
  /** What the user typed: the name, or the file path. */
  readonly ref: string;
}

export function looksLikePath(ref: string): boolean {
  return ref.includes("/") || ref.includes("\\") || /\.[cm]?[jt]s$/.test(ref);
}

function isScenario(x: unknown): x is Scenario {
  const s = x as Partial<Scenario> | null;
  return s !== null && typeof s === "object" && typeof s.name === "string" && typeof s.searched === "function" && typeof s.claim?.kind === "string";
}

export async function loadScenario(ref: string): Promise<ScenarioRef> {
  if (!looksLikePath(ref)) {
    const s = findScenario(ref);
    if (!s) throw new UsageError(`unknown scenario "${ref}" (see \`npx omnisim list\`; known: ${SCENARIOS.map((x) => x.name).join(", ")})`);
    return { scenario: s, ref };
  }
  const file = resolve(ref);
  if (!existsSync(file)) throw new UsageError(`no scenario file ${ref}`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    const message = (e as Error).message;
    // TypeScript outside a package marked `"type": "module"` loads as CommonJS, which cannot
    // require omnisim's ES modules: say what to do rather than pass on the loader's riddle.
    const hint = /require\(\) ES Module|ERR_REQUIRE/.test(message)
      ? ` (a scenario file outside this repository needs a package.json with "type": "module" in its folder or above, or keep it under scenarios/)`
      : "";
    throw new UsageError(`cannot load scenario file ${ref}: ${message}${hint}`);
  }
  const found = [mod.default, ...Object.values(mod)].filter(isScenario);
  if (found.length === 0) throw new UsageError(`scenario file ${ref} exports no scenario (an object with name, symptoms and searched; see scenarios/examples/template.ts)`);
  const unique = [...new Set(found)];
  if (unique.length > 1) throw new UsageError(`scenario file ${ref} exports ${unique.length} scenarios (${unique.map((s) => s.name).join(", ")}); export one`);
  return { scenario: unique[0]!, ref };
}
