// G1, a schema apply recovered in two passes (the seed, `7d3a52d6`: `process_sidecar` rolls a
// SchemaApply sidecar back unless this recovery pass promoted its staging files). The apply dies
// or fails after writing its staging files; a first recovery promotes them and dies before its
// roll-forward is published; the next recovery finds nothing left to promote and rolls the
// apply back. The promoted files describe the new schema while the tables are restored to the
// old one (a dropped `age` still in node:Person). Upstream's #346 (`905a27c4`; `fix346`) gives the sidecar its target schema identity,
// and recovery rolls forward when that schema is live.
import { FP } from "../failpoints/catalog.ts";
import { Client } from "./kit/client.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario, ScenarioContext } from "./types.ts";

const WITHOUT_AGE = CARD_SCHEMA.replace("age: I32? }", "}");

/** Schema changes the searched form chooses among: each drops `age`, so restored tables still hold it. */
const CHANGES: readonly (readonly [string, string])[] = [
  ["drop Person.age", WITHOUT_AGE],
  ["drop Person.age, add Person.email", CARD_SCHEMA.replace("age: I32? }", "email: String? }")],
];

async function applier(ctx: ScenarioContext) {
  await setupGraph(ctx, CARD_SCHEMA, [[person("Alice", 30)]]);
  return openIn(ctx, "applier", { crashable: true });
}

export const schemaApplyTwoPass: Scenario = {
  name: "schema-apply-two-pass",
  summary: "a recovery promotes a dead schema apply's staging files and dies; the next rolls the apply back (#346)",
  claim: {
    kind: "bug",
    bug: "G1",
    redProfile: "seed",
    // The new schema's files over the old tables (unless the files disagree among themselves:
    // that is F3's partial promotion, whose restored tables mismatch too); or, where the first
    // pass published, an apply whose effect is published audited RolledBack.
    symptoms: [{ kind: "schema-data-mismatch", unless: ["schema-files-disagree"] }, { kind: "recovery-wrong-decision", opKind: "schemaApply" }, { kind: "audit-mismatch", opKind: "schemaApply" }],
    closedBy: ["fix346"],
  },
  crashBudget: 2,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    const a = await applier(ctx);
    // The apply fails after its staging writes (an error, so its lock is released: no wedge).
    world.failpoints.set(FP.SCHEMA_APPLY_AFTER_STAGING_WRITE, { kind: "error" });
    await world.join(a.spawn("apply", (c) => c.applySchema("drop Person.age", WITHOUT_AGE, { allowDataLoss: true })));
    world.failpoints.clear(FP.SCHEMA_APPLY_AFTER_STAGING_WRITE);
    // The first recovery promotes the staging files and dies before its roll-forward publish.
    world.failpoints.set(FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH, { kind: "park" });
    const proc = world.process("recover", { crashable: true });
    const open = world.spawn(proc, "first recovery", () => Client.open(ctx, proc, "recover"));
    await world.until("the first recovery is about to publish", () => world.failpoints.reached(FP.RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH) || open.ended);
    world.crash(proc);
    await world.join(open);
    // The harness's final open is the second pass.
  },
  async searched(ctx) {
    const { world } = ctx;
    const a = await applier(ctx);
    const [label, schema] = CHANGES[world.choose("which schema change", CHANGES.length)]!;
    await world.join(a.spawn("apply", (c) => c.applySchema(label, schema, { allowDataLoss: true })));
    const proc = world.process("recover", { crashable: true });
    await world.join(world.spawn(proc, "first recovery", () => Client.open(ctx, proc, "recover")));
  },
};
