// Universes of `hunt --profile fixed --faults all` (default budget) that left the root refusing
// every init, pinned green: lost or failed deletes of init's files (confirmed deletes,
// engine/storage/confirmed-delete.ts), a takeover marker's lost answer (winTakeoverMarker), and a
// confirmation's blind retry that deleted a successor's claim (seeds 570, 1231, met while fixing
// the first), and two claims torn to the same text (seed 1173: generations of markers), and a misdirected marker create read as won (seed 221), a failed re-read by a marker's winner (seed 326), a stale read hiding a won marker (seed 990). Each checks it still reaches its situation (a fault on init's claim or schema
// files), so a moved schedule turns it red rather than passing by drifting away.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { findScenario } from "../../scenarios/registry.ts";
import { formSpec } from "../../scenarios/types.ts";
import { STORAGE_FAULT_KINDS } from "../../sim/faults/kinds.ts";
import { portfolio } from "../../sim/strategies/portfolio.ts";
import { estimatePctBounds } from "../../sim/strategies/pct-bounds.ts";
import { runUniverse } from "../../sim/universe.ts";

const CASES = [
  { scenario: "init-cleanup-deletes-graph", seed: 566, fault: "lost on objects.delete _schema.pg" },
  { scenario: "dead-init-bricks-root", seed: 626, fault: "torn on objects.putIfAbsent __init_claim.json" },
  { scenario: "init-cleanup-deletes-graph", seed: 886, fault: "ack-loss on objects.putIfAbsent __init_takeover_" },
  { scenario: "dead-init-bricks-root", seed: 570, fault: "torn on objects.putIfAbsent __init_claim.json" },
  { scenario: "init-cleanup-deletes-graph", seed: 1231, fault: "torn on objects.putIfAbsent __init_claim.json" },
  { scenario: "dead-init-bricks-root", seed: 1173, fault: "torn on objects.putIfAbsent __init_claim.json" },
  { scenario: "dead-init-bricks-root", seed: 221, fault: "torn on objects.putIfAbsent __init_claim.json" },
  { scenario: "dead-init-bricks-root", seed: 326, fault: "torn on objects.putIfAbsent __init_claim.json" },
  { scenario: "init-cleanup-deletes-graph", seed: 990, fault: "stale on objects.get __init_takeover_" },
] as const;

for (const c of CASES) {
  test(`${c.scenario} seed ${c.seed} (portfolio, --faults all) on fixed: the root still takes an init`, async () => {
    const s = findScenario(c.scenario)!;
    // As replay and hunt do: the portfolio's step bound estimated on the faulted form.
    const spec = { ...formSpec(s, "searched"), storageFaults: { kinds: STORAGE_FAULT_KINDS } };
    const strategy = portfolio((await estimatePctBounds(spec, PROFILES.fixed)).stepBound)(c.seed);
    const r = await runUniverse({ spec, seed: c.seed, fixes: PROFILES.fixed, strategy });
    const struck = r.trace.events().filter((e) => e.e === "fault").map((e) => JSON.stringify(e));
    const [kind, , op, key] = c.fault.split(" ");
    expect(struck.some((f) => f.includes(`"${kind}"`) && f.includes(op!) && f.includes(key!)), struck.join("\n")).toBe(true);
    expect(r.violations.map((v) => v.message)).toEqual([]);
  });
}
