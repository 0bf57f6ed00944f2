// The README's mutants section, rendered from the catalog and the committed results of the
// last full run (`npm run mutants`); `npm run mutants:readme` rewrites it in place and
// test/tools/mutants.test.ts fails when it is stale.
import { DEFAULT_HUNT_BUDGET } from "../../cli/commands/hunt.ts";
import { MUTANTS } from "./catalog.ts";
import { CATEGORIES, CATEGORY_SUMMARIES, type Mutant } from "./types.ts";
import { type ChildOutcome, cellName, type RedUniverse } from "./outcome.ts";
import { confirmedKills, effectiveOutcome, type MutantsResults, percent, REQUIRED_RATE, summarize, verdictOf, weakKill } from "./results.ts";

const code = (s: string) => `\`${s}\``;
/** A table cell: no pipes, no line breaks. */
const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");

function killedBy(o: ChildOutcome): string {
  switch (o.kind) {
    case "killed":
      return `${code(o.scenario)} on ${o.profile ?? "fixed"}, seed ${o.seed}: ${o.violation}`;
    case "timeout":
      return "timed out (a hang)";
    case "survived":
      return `survived ${o.universes} universes`;
    case "baseline":
      return "(the unmutated tree's run)";
    case "invalid":
      return `invalid: ${o.reason}`;
  }
}

function why(m: Mutant): string {
  if (m.equivalent !== undefined) return `equivalent: ${m.equivalent}`;
  if (m.blindSpot !== undefined) return `blind spot: ${m.blindSpot}`;
  return "not explained yet";
}

export function mutantsSection(results: MutantsResults, catalog: readonly Mutant[] = MUTANTS): string {
  const outcomes = new Map(results.mutants.map((r) => [r.id, effectiveOutcome(r)]));
  const confirmed = confirmedKills(results.mutants);
  const atDefault = new Set(confirmed.map((r) => r.id));
  const s = summarize(catalog, outcomes);
  const minutes = (results.elapsedMs / 60_000).toFixed(0);
  const cells = results.cells === "hunt" ? "cell of the default hunt (red, `upstream` and `fixed` profiles)" : "`fixed` cell";
  const lines: string[] = [
    `Last full run: ${results.date}, commit ${code(results.commit)}, ${results.budget} universes per ${cells}, ` +
      `${results.jobs} mutant${results.jobs === 1 ? "" : "s"} at a time, ${minutes} minutes in all. ` +
      `**${s.killed} of ${s.nonEquivalent} non-equivalent mutants killed (${percent(s.rate)}; the mark is ${percent(REQUIRED_RATE)})**, ` +
      `${s.equivalent} declared equivalent, ${catalog.length} in the catalog.` +
      (results.budget < DEFAULT_HUNT_BUDGET
        ? ` The default hunt runs ${DEFAULT_HUNT_BUDGET} universes per cell and visits these seeds first, so it kills at least as many: the rate is a lower bound for it.`
        : ""),
  ];
  if (confirmed.length > 0) {
    lines.push(
      "",
      `${confirmed.length} of the kills came past ${results.budget} universes per cell: each survived every cell at that budget, and the run then ran the one cell of the default hunt its catalog entry names at the default budget (${DEFAULT_HUNT_BUDGET}), beside the unmutated tree's run of that cell, and the mutant failed it: ` +
        `${confirmed.map((r) => `${code(r.id)} (${code(`${r.confirm!.scenario}@${r.confirm!.profile}`)})`).join(", ")}. ` +
        `At ${results.budget} per cell alone the rate is ${percent((s.killed - confirmed.length) / s.nonEquivalent)}.`,
    );
  }
  if (results.skipped.length > 0) {
    const by = new Map<string, RedUniverse[]>();
    for (const r of results.skipped) by.set(cellName(r), [...(by.get(cellName(r)) ?? []), r]);
    const parts = [...by].map(([name, rs]) => `${code(name)} ${rs.length} (first: seed ${rs[0]!.seed}, ${rs[0]!.violation})`);
    lines.push(
      "",
      `The unmutated tree failed its cell in ${results.skipped.length} universes (the default hunt is not green at this budget); ` +
        `each mutant's run skipped them: ${parts.join("; ")}.`,
    );
  }
  const weak = catalog.filter((m) => {
    const o = outcomes.get(m.id);
    return o !== undefined && weakKill(o, results.skipped);
  });
  if (weak.length > 0) {
    lines.push(
      "",
      `${weak.length} of the kills are weak evidence (marked *weak* below): the violation has a shape the unmutated tree shows in another cell of the same profile, ` +
        `so the mutant may only have moved a schedule onto a known failure: ${weak.map((m) => code(m.id)).join(", ")}. Without them the rate is ${percent((s.killed - weak.length) / s.nonEquivalent)}.`,
    );
  }
  lines.push("", "| category | what it plants | mutants | killed | equivalent |", "|---|---|---|---|---|");
  for (const c of CATEGORIES) {
    const t = s.byCategory.get(c);
    if (t) lines.push(`| ${c} | ${CATEGORY_SUMMARIES[c]} | ${t.total} | ${t.killed} | ${t.equivalent} |`);
  }
  const survivors = catalog.filter((m) => {
    const o = outcomes.get(m.id);
    return o !== undefined && ["equivalent", "blind-spot", "unexplained"].includes(verdictOf(m, o));
  });
  lines.push("", `Survivors (${survivors.length}):`, "");
  if (survivors.length === 0) lines.push("none.");
  for (const m of survivors) lines.push(`- ${code(m.id)} (${code(m.file)}): ${m.breaks}. ${why(m)}.`);
  lines.push("", "<details><summary>Every mutant and what killed it</summary>", "", "| mutant | category | file | what it breaks | result |", "|---|---|---|---|---|");
  for (const m of catalog) {
    const o = outcomes.get(m.id);
    const result = o ? `${killedBy(o)}${atDefault.has(m.id) ? ` (at the default budget, ${DEFAULT_HUNT_BUDGET} per cell)` : ""}${weakKill(o, results.skipped) ? " (*weak*)" : ""}` : "not measured";
    lines.push(`| ${code(m.id)} | ${m.category} | ${code(m.file)} | ${cell(m.breaks)} | ${cell(result)} |`);
  }
  lines.push("", "</details>");
  return lines.join("\n");
}

const BEGIN = "<!-- generated:mutants -->";
const END = "<!-- /generated:mutants -->";

/** `readme` with its mutants section replaced by the rendering of `results`. */
export function renderMutantsReadme(readme: string, results: MutantsResults): string {
  const i = readme.indexOf(BEGIN);
  const j = readme.indexOf(END);
  if (i < 0 || j < i) throw new Error(`README has no ${BEGIN} ... ${END} section`);
  return `${readme.slice(0, i + BEGIN.length)}\n${mutantsSection(results)}\n${readme.slice(j)}`;
}
