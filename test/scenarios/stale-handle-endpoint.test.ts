// The stale handle's endpoint check on the engine, judged by `missing-endpoints-have-a-cause`:
// red exactly where the write trusts its warm snapshot (the `write-probe-dropped` mutant's
// behaviour, planted with the flag off), and a MissingEndpoint with a cause (the endpoint deleted
// before the write, or never inserted) is no violation, stale handle or not.
import { expect, test } from "vitest";
import { type Fixes, PROFILES } from "../../engine/fixes.ts";
import type { MutationOp } from "../../engine/write/ops.ts";
import { KNOWS_SCHEMA } from "../../scenarios/kit/schemas.ts";
import { openIn, person, setupGraph } from "../../scenarios/kit/setup.ts";
import { SCENARIOS } from "../../scenarios/registry.ts";
import { formSpec, type Scenario } from "../../scenarios/types.ts";
import { runUniverse } from "../../sim/universe.ts";

const knows = (from: string, to: string): MutationOp => ({ kind: "insertEdge", type: "Knows", from, to });
const scenario = SCENARIOS.find((s) => s.name === "stale-handle-endpoint")!;

async function violations(s: Scenario, fixes: Fixes) {
  const r = await runUniverse({ spec: formSpec(s, "scripted"), seed: 1, fixes });
  return { violations: r.violations, ops: r.trace.events().filter((e) => e.e === "op").map((e) => `${String(e.label)}: ${String(e.status)}${"error" in e && e.error ? ` ${String(e.error)}` : ""}`) };
}

test("a stale handle's edge to a node another handle published: spurious without the write probe, ok with it", async () => {
  const planted = await violations(scenario, { ...PROFILES.fixed, probeOnWrite: false });
  expect(planted.violations.map((v) => [v.kind, v.op?.label])).toEqual([["spurious-missing-endpoint", "handle-b: Alice knows Bob (stale handle)"]]);
  expect(planted.violations[0]!.details).toMatchObject({ branch: "main" });
  const fixed = await violations(scenario, PROFILES.fixed);
  expect(fixed.violations).toEqual([]);
  expect(fixed.ops).toContain("handle-b: Alice knows Bob (stale handle): ok");
});

/** A stale handle links Alice to Bob, deleted before the write began, and to Zed, never inserted. */
const withCause: Scenario = {
  ...scenario,
  name: "stale-handle-endpoint-with-cause",
  async scripted(ctx) {
    await setupGraph(ctx, KNOWS_SCHEMA, [[person("Alice"), person("Bob")]]);
    const stale = await openIn(ctx, "stale");
    const other = await openIn(ctx, "other");
    await other.mutate("delete Bob", [{ kind: "deleteNode", type: "Person", where: [{ column: "id", equals: "Bob" }] }]);
    await stale.mutate("Alice knows Bob (deleted)", [knows("Alice", "Bob")]);
    await stale.mutate("Zed knows Alice (never inserted)", [knows("Zed", "Alice")]);
  },
};

test("a MissingEndpoint with a cause in the published states is no violation", async () => {
  // Without the probe the stale handle's warm snapshot still holds Bob and the check passes, but
  // the head moved since (`readSetToken`): the write prepares again on a fresh base, without Bob.
  for (const fixes of [PROFILES.upstream, PROFILES.fixed, { ...PROFILES.fixed, probeOnWrite: false }]) {
    const r = await violations(withCause, fixes);
    expect(r.ops).toContain("stale: Alice knows Bob (deleted): err MissingEndpoint");
    expect(r.ops).toContain("stale: Zed knows Alice (never inserted): err MissingEndpoint");
    expect(r.violations).toEqual([]);
  }
  // At the seed the delete of Bob drifts the edge table (B11) and the edge to him fails on that;
  // Zed's MissingEndpoint is still no violation.
  const seed = await violations(withCause, PROFILES.seed);
  expect(seed.ops).toContain("stale: Zed knows Alice (never inserted): err MissingEndpoint");
  expect(seed.violations.map((v) => v.kind)).not.toContain("spurious-missing-endpoint");
});
