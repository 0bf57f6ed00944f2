// The indeterminate-init oracle (sim/oracles/indeterminate-init.ts), red on its planted defect:
// an init that failed after a durable dataset Create and before its manifest must leave its
// claim and schema files (#502; upstream's init_table_create_lost_ack_preserves_claim_and_schema).
// The root it leaves refuses every init by design: the faults judge reports that `root-bricked`
// as a documented limit, never this oracle's violation.
import { expect, test } from "vitest";
import { type Fixes, PROFILES } from "../../engine/fixes.ts";
import { INIT_CLAIM_FILE } from "../../engine/graph/fix502.ts";
import { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { SCHEMA_IR_FILE } from "../../engine/schema/contract.ts";
import { FP, type FailpointName } from "../../failpoints/catalog.ts";
import { INIT_MAY_FAIL } from "../../scenarios/kit/init.ts";
import { PERSON_PROBE } from "../../scenarios/kit/probe.ts";
import { CARD_SCHEMA } from "../../scenarios/kit/schemas.ts";
import { excuseFaults } from "../../sim/faults/judge.ts";
import { objectCall, strike } from "../../sim/faults/scripted.ts";
import { History, initLabel, NO_EFFECT } from "../../sim/oracles/history.ts";
import { judge } from "../../sim/oracles/judge.ts";
import { recoverAndCheckLiveness } from "../../sim/oracles/liveness.ts";
import { runUniverse } from "../../sim/universe.ts";
import type { World } from "../../sim/world.ts";
import type { VirtualStore } from "../../sim/store/virtual-store.ts";

interface Judged {
  readonly violations: readonly string[];
  readonly excused: readonly string[];
}

/** An operator's init meets an error at `failpoint`; `plant` runs after it; then liveness, the judge and the faults judge. */
async function initFailingAt(failpoint: FailpointName, plant: (world: World) => Promise<void>, fixes: Fixes = PROFILES.fixed, before: (world: World) => void = () => {}): Promise<Judged> {
  let out: Judged = { violations: [], excused: [] };
  await runUniverse({
    seed: 1,
    fixes,
    spec: {
      name: "planted/indeterminate-init",
      async direct(world) {
        const history = new History(world);
        const env = world.env(world.process("operator"));
        world.failpoints.set(failpoint, { kind: "error", times: 1 });
        before(world);
        await history.attempt(initLabel("operator"), "open", NO_EFFECT, { allow: INIT_MAY_FAIL }, () => Omnigraph.init(env, CARD_SCHEMA, { name: "operator" }));
        world.failpoints.set(failpoint, { kind: "off" });
        await plant(world);
        await recoverAndCheckLiveness(world, history, PERSON_PROBE);
        await judge(world, history);
        excuseFaults(world, history);
        out = { violations: world.violations.map((v) => v.kind), excused: world.excused.map((x) => `${x.violation.kind}: ${x.as}`) };
      },
    },
  });
  return out;
}

const nothing = async () => {};

test("an init whose table Create lost its acknowledgement keeps its files: the bricked root is the documented limit, nothing else", async () => {
  expect(await initFailingAt(FP.INIT_TABLE_CREATE_ACK_LOST, nothing)).toEqual({ violations: [], excused: ["root-bricked: limit"] });
  expect(await initFailingAt(FP.INIT_TABLE_CREATE_ACK_LOST, nothing, PROFILES.upstream)).toEqual({ violations: [], excused: ["root-bricked: limit"] });
});

test("planted: its claim released (the cleanup #502 forbids once a table may be durable) is a violation the faults judge does not excuse", async () => {
  const release = async (world: World) => world.storage.objects.delete(INIT_CLAIM_FILE);
  const r = await initFailingAt(FP.INIT_TABLE_CREATE_ACK_LOST, release);
  expect(r.violations).toContain("indeterminate-init-undone");
  expect(r.excused.filter((x) => x.startsWith("indeterminate-init-undone"))).toEqual([]);
});

test("planted: a schema file deleted is a violation too", async () => {
  const r = await initFailingAt(FP.INIT_TABLE_CREATE_ACK_LOST, async (world) => world.storage.objects.delete(SCHEMA_IR_FILE));
  expect(r.violations).toContain("indeterminate-init-undone");
});

test("an init that failed before any dataset Create may clean up: no violation, nothing excused", async () => {
  expect(await initFailingAt(FP.INIT_AFTER_SCHEMA_CONTRACT_WRITTEN, nothing)).toEqual({ violations: [], excused: [] });
});

test("a schema file whose own write a storage fault lost is not the init's to keep: the oracle holds only what landed", async () => {
  const loseIr = (world: World) => void strike(world, "lost", objectCall("objects.put", (k) => k === SCHEMA_IR_FILE));
  // Upstream reads nothing back: its init goes on to its tables and fails there, the IR file never durable.
  const r = await initFailingAt(FP.INIT_TABLE_CREATE_ACK_LOST, nothing, PROFILES.upstream, loseIr);
  expect([...r.violations, ...r.excused].filter((k) => k.startsWith("indeterminate-init-undone"))).toEqual([]);
});

test("planted: an init that took over a dead attempt, then lost its own claim, is a violation: its own takeover marker removes nothing of its", async () => {
  // A dead attempt's claim, its lease long run out: the operator's init is refused, takes it over
  // (`initTakeover`'s marker, in its own operation), and starts again; then it meets the failpoint.
  const deadClaim = (world: World) => (world.backend.storage as VirtualStore).objects.putNow(INIT_CLAIM_FILE, JSON.stringify({ version: 1, attempt_id: "dead", until_ms: 0 }));
  const release = async (world: World) => world.storage.objects.delete(INIT_CLAIM_FILE);
  const r = await initFailingAt(FP.INIT_TABLE_CREATE_ACK_LOST, release, PROFILES.fixed, deadClaim);
  expect(r.violations).toContain("indeterminate-init-undone");
});
