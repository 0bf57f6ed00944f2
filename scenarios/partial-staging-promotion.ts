// F3 (found by omnisim): schema apply writes its three staging files as three separate writes
// and dies between them. The next open finds the apply's sidecar and promotes whatever staging
// files exist, so `_schema.pg` and the IR disagree, and every open fails from then on.
import { SCHEMA_SOURCE_FILE } from "../engine/schema/contract.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

const WITH_EMAIL = CARD_SCHEMA.replace("age: I32? }", "age: I32?  email: String? }");

/** Schema changes the searched form chooses among: each writes three staging files. */
const CHANGES: readonly (readonly [string, string])[] = [
  ["add Person.email", WITH_EMAIL],
  ["add Company.founded", CARD_SCHEMA.replace("node Company { name: String @key }", "node Company { name: String @key  founded: I32? }")],
  ["add a Team node type", `${CARD_SCHEMA}\nnode Team { name: String @key }\n`],
];

export const partialStagingPromotion: Scenario = {
  name: "partial-staging-promotion",
  summary: "a schema apply that dies between its staging writes leaves a partial set that recovery promotes",
  claim: {
    kind: "bug",
    bug: "F3",
    redProfile: "seed",
    // Every open fails on the disagreeing files, and the oracles find them disagreeing. Where a
    // write's heal did the promotion, every later write fails validating them; where the apply
    // is then rolled back under its promoted source, the data mismatches it.
    symptoms: [
      { kind: "open-failed", errorKind: "SchemaContractInvalid", opKind: "open" },
      { kind: "schema-files-disagree" },
      { kind: "unexpected-error", errorKind: "SchemaContractInvalid", opKind: "mutate", alongside: ["schema-files-disagree"] },
      { kind: "schema-data-mismatch", alongside: ["schema-files-disagree"] },
    ],
    closedBy: ["completeStagingPromotion"],
    masks: [
      {
        flags: ["verifySchemaFiles"],
        why: "recovery promotes only a staging set that forms a valid contract with the live files, so it discards a partial set with _schema.pg.staging just as completeStagingPromotion does",
      },
    ],
  },
  crashBudget: 1,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Alice", 30)]]);
    const a = await openIn(ctx, "applier", { crashable: true });
    const apply = a.spawn("apply", (c) => c.applySchema("add Person.email", WITH_EMAIL));
    await world.until("the first staging file is written", () =>
      world.trace.events().some((e) => e.e === "io" && e.op === "objects.put" && "ok" in e && (e.args as { key?: unknown }).key === `${SCHEMA_SOURCE_FILE}.staging`),
    );
    world.crash(a.proc);
    await world.join(apply);
  },
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Alice", 30)]]);
    const a = await openIn(ctx, "applier", { crashable: true });
    const w = await openIn(ctx, "writer", { crashable: true });
    const [label, schema] = CHANGES[world.choose("which schema change", CHANGES.length)]!;
    const apply = a.spawn("apply", (c) => c.applySchema(label, schema));
    const writer = w.spawn("insert", (c) => c.mutate("insert Bob", [person("Bob", 40)]));
    await world.join(apply, writer);
  },
};
