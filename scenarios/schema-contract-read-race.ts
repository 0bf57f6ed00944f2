// G5, found triaging issue 9's "schema-rename race": a write validates the schema contract by
// reading `_schema.pg`, the IR and the state file one after another, while a schema apply of
// another handle renames its three staging files over them one after another. A write that
// reads the old source and the new IR fails SchemaContractInvalid, although nothing is wrong.
// The seed (`7d3a52d6`) has the window: `ensure_schema_state_valid` reads the three files with
// nothing held (the schema-apply lock is checked only at commit, `ensure_schema_apply_not_locked`
// in table_ops.rs), and its write queues are per handle. Upstream's #343 (`f758ff0d`, RFC-022)
// captures a write's catalog under the root schema gate, which the apply holds through its
// renames, and shares that gate among a process's handles: `sharedQueues` here.
//
// Searched only: no failpoint sits between the three reads (upstream has none either), and at
// the seed a write's heal promotes whatever an apply parked after staging has left (B10), so
// no failpoint script can place the renames between a write's reads.
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA, RENAMING_CHANGES } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

export const schemaContractReadRace: Scenario = {
  name: "schema-contract-read-race",
  summary: "a write validating the schema contract while another handle's apply renames its files fails (#343's schema gate)",
  claim: {
    kind: "bug",
    bug: "G5",
    redProfile: "seed",
    // Files that really disagree are F3's (a partial staging set promoted).
    symptoms: [{ kind: "unexpected-error", errorKind: "SchemaContractInvalid", opKind: "mutate", unless: ["schema-files-disagree"] }],
    closedBy: ["sharedQueues"],
    masks: [{ flags: ["ownerLease"], why: "a validation that fails is retried under the branch lease, which the apply holds through its renames (handle/schema-guard.ts)" }],
  },
  crashBudget: 0,
  probe: PERSON_PROBE,
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Alice", 30)]]);
    // Two handles of one server process: the apply's and the writer's.
    const server = world.process("server");
    const a = await openIn(ctx, "applier", { proc: server });
    const w = await openIn(ctx, "writer", { proc: server });
    const [label, schema] = RENAMING_CHANGES[world.choose("which schema change", RENAMING_CHANGES.length)]!;
    const apply = a.spawn("apply", (c) => c.applySchema(label, schema));
    await world.stagger("the writer starts after the apply's k-th step", apply, 60);
    await world.join(apply, w.spawn("writer", (c) => c.mutate("insert Bob", [person("Bob", 40)])));
  },
};
