import { SCENARIOS } from "../../scenarios/registry.ts";

/** `omnisim list`: one line per scenario: name, bug, red profile, description (`--json`: one array). */
export function listCommand(options: { json?: boolean }): number {
  if (options.json) {
    console.log(
      JSON.stringify(
        SCENARIOS.map((s) => ({ name: s.name, bug: s.bug, redProfile: s.redProfile, symptoms: s.symptoms, scripted: !!s.scripted, summary: s.summary })),
      ),
    );
    return 0;
  }
  const w = Math.max(...SCENARIOS.map((s) => s.name.length));
  const bw = Math.max(...SCENARIOS.map((s) => s.bug.length));
  const red = (s: (typeof SCENARIOS)[number]) => (s.redProfile ? `red on ${s.redProfile}` : "never red");
  const pw = Math.max(...SCENARIOS.map((s) => red(s).length));
  for (const s of SCENARIOS) {
    console.log(`${s.name.padEnd(w)}  ${s.bug.padEnd(bw)}  ${red(s).padEnd(pw)}  ${s.summary}`);
  }
  return 0;
}
