// The README's scenario and flag tables, rendered from the code that defines them (the
// scenarios' claims and the profiles), so the README cannot drift from what the harness checks.
// `npm run readme:tables` rewrites them in place; test/tools/readme-tables.test.ts fails when
// they are stale.
import { FIX_NAMES, FIX_SUMMARIES, PROFILES } from "../../engine/fixes.ts";
import { bugLabel, closingValue, describeSymptom, redOnUpstream } from "../../scenarios/claims.ts";
import { SCENARIOS } from "../../scenarios/registry.ts";

const code = (s: string) => `\`${s}\``;

export function scenariosTable(): string {
  const rows = SCENARIOS.map((s) => {
    const c = s.claim;
    const red = c.kind === "control" ? "never" : code(c.redProfile);
    const closed = c.kind === "bug" ? c.closedBy.map((f) => (closingValue(f) ? code(f) : `${code(f)} off`)).join(", ") : "-";
    const masks = c.kind === "bug" && c.masks?.length ? c.masks.flatMap((m) => m.flags).map(code).join(", ") : "-";
    const upstream = c.kind === "bug" ? (redOnUpstream(c) ? "red" : "green") : c.kind === "control" ? "green" : "-";
    const symptom = c.kind === "bug" ? c.symptoms.map(describeSymptom).join("; ") : c.kind === "control" ? "none, ever" : "any violation";
    return `| ${code(s.name)} | ${bugLabel(c)} | ${red} | ${closed} | ${masks} | ${upstream} | ${symptom} | ${s.summary} |`;
  });
  return ["| scenario | bug | red on | closed by | masked by | upstream | symptom | what goes wrong |", "|---|---|---|---|---|---|---|---|", ...rows].join("\n");
}

export function flagsTable(): string {
  const on = (v: boolean) => (v ? "on" : "off");
  const rows = FIX_NAMES.map(
    (f) => `| ${code(f)} | ${FIX_SUMMARIES[f]} | ${on(PROFILES.seed[f])} | ${on(PROFILES.upstream[f])} | ${on(PROFILES.fixed[f])} |`,
  );
  return ["| flag | fixes | `seed` | `upstream` | `fixed` |", "|---|---|---|---|---|", ...rows].join("\n");
}

const SECTIONS = { scenarios: scenariosTable, flags: flagsTable } as const;

/** `readme` with every generated section replaced by its current rendering. */
export function renderReadme(readme: string): string {
  let out = readme;
  for (const [name, render] of Object.entries(SECTIONS)) {
    const begin = `<!-- generated:${name} -->`;
    const end = `<!-- /generated:${name} -->`;
    const i = out.indexOf(begin);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`README has no ${begin} ... ${end} section`);
    out = `${out.slice(0, i + begin.length)}\n${render()}\n${out.slice(j)}`;
  }
  return out;
}
