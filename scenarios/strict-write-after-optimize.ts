// B4: a strict write from a stale view false-fails with ExpectedVersionMismatch after another
// handle's optimize compacted and published the table, though nothing logical changed.
import { PERSON_PROBE } from "./kit/probe.ts";
import { strictWriteScripted, strictWriteSearched } from "./kit/strict-write.ts";
import type { Scenario } from "./types.ts";

export const strictWriteAfterOptimize: Scenario = {
  name: "strict-write-after-optimize",
  bug: "B4",
  summary: "a stale handle's strict update fails after a compaction that changed nothing logical",
  redProfile: "seed",
  symptoms: ["maintenance-failed-logical-write"],
  actors: ["served", "external-optimize"],
  oracles: ["operations-end-as-allowed (maintenance-failed-logical-write)"],
  crashBudget: 0,
  probe: PERSON_PROBE,
  scripted: (ctx) => strictWriteScripted(ctx, "compaction"),
  searched: (ctx) => strictWriteSearched(ctx, "compaction"),
};
