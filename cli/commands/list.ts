import { bugLabel, redProfileOf } from "../../scenarios/claims.ts";
import { SCENARIOS } from "../../scenarios/registry.ts";

/** `omnisim list`: one line per scenario: name, bug, red profile, description (`--json`: one array). */
export function listCommand(options: { json?: boolean }): number {
  if (options.json) {
    console.log(
      JSON.stringify(
        SCENARIOS.map((s) => ({ name: s.name, bug: bugLabel(s.claim), redProfile: redProfileOf(s.claim), claim: s.claim, scripted: !!s.scripted, summary: s.summary })),
      ),
    );
    return 0;
  }
  const w = Math.max(...SCENARIOS.map((s) => s.name.length));
  const bw = Math.max(...SCENARIOS.map((s) => bugLabel(s.claim).length));
  const red = (s: (typeof SCENARIOS)[number]) => {
    const p = redProfileOf(s.claim);
    return p ? `red on ${p}` : "never red";
  };
  const pw = Math.max(...SCENARIOS.map((s) => red(s).length));
  for (const s of SCENARIOS) {
    console.log(`${s.name.padEnd(w)}  ${bugLabel(s.claim).padEnd(bw)}  ${red(s).padEnd(pw)}  ${s.summary}`);
  }
  return 0;
}
