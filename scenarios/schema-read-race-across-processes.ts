// G6, G5 across processes: a write in one process reads the schema contract (`_schema.pg`, the IR,
// the state file, one after another) while a schema apply in another process renames its three
// staging files over them one after another; a write that reads the old source and the new IR
// fails SchemaContractInvalid although nothing is wrong. #343's root schema gate, which closes
// G5 (`schema-contract-read-race`), is shared only among one process's handles, so upstream
// (`62a9c3fe`) keeps this window twice: at `open_write_txn` and again in
// `revalidate_write_txn`, whose `load_validated_schema_contract` error returns before its second
// `ensure_schema_apply_not_locked` could say an apply is running (`db/omnigraph.rs`). Found as an
// unclaimed SchemaContractInvalid in `partial-staging-promotion` on `upstream` (portfolio seed 18)
// once the model's commit section re-read the contract. The model's `ownerLease` closes it: a
// failed validation is retried under the branch lease, which the apply holds through its renames
// (handle/schema-guard.ts), and a write's commit section holds that lease too.
//
// Searched only, as G5: no failpoint sits between the three reads, upstream has none either.
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA, RENAMING_CHANGES } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

export const schemaReadRaceAcrossProcesses: Scenario = {
  name: "schema-read-race-across-processes",
  summary: "a write validating the schema contract while another process's apply renames its files fails (G6: G5 across processes)",
  claim: {
    kind: "bug",
    bug: "G6",
    redProfile: "seed",
    // Files that really disagree are F3's (a partial staging set promoted).
    symptoms: [{ kind: "unexpected-error", errorKind: "SchemaContractInvalid", opKind: "mutate", unless: ["schema-files-disagree"] }],
    closedBy: ["ownerLease"],
  },
  crashBudget: 0,
  probe: PERSON_PROBE,
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, CARD_SCHEMA, [[person("Alice", 30)]]);
    // The apply's process and the writer's: no gate in memory is shared between them.
    const a = await openIn(ctx, "applier");
    const w = await openIn(ctx, "writer");
    const [label, schema] = RENAMING_CHANGES[world.choose("which schema change", RENAMING_CHANGES.length)]!;
    const apply = a.spawn("apply", (c) => c.applySchema(label, schema));
    await world.stagger("the writer starts after the apply's k-th step", apply, 60);
    await world.join(apply, w.spawn("writer", (c) => c.mutate("insert Bob", [person("Bob", 40)])));
  },
};
