// B4: a strict write from a stale view false-fails with ExpectedVersionMismatch after another
// handle's optimize compacted and published the table, though nothing logical changed.
import { PERSON_PROBE } from "./kit/probe.ts";
import { strictWriteScripted, strictWriteSearched } from "./kit/strict-write.ts";
import type { Scenario } from "./types.ts";

export const strictWriteAfterOptimize: Scenario = {
  name: "strict-write-after-optimize",
  claim: {
    kind: "bug",
    bug: "B4",
    redProfile: "seed",
    symptoms: [
      { kind: "maintenance-failed-logical-write", errorKind: "ExpectedVersionMismatch", opKind: "mutate" },
      // The same failure of a write the scenario does not demand succeed: the conflicts oracle
      // finds no logical effect in its window, so what moved the pin was maintenance.
      { kind: "spurious-conflict", errorKind: "ExpectedVersionMismatch", opKind: "mutate" },
    ],
    closedBy: ["probeOnWrite", "opClassPrecondition"],
  },
  summary: "a stale handle's strict update fails after a compaction that changed nothing logical",
  crashBudget: 0,
  probe: PERSON_PROBE,
  scripted: (ctx) => strictWriteScripted(ctx, "compaction"),
  searched: (ctx) => strictWriteSearched(ctx, "compaction"),
};
