// The control for B4 (upstream `stale_handle_public_mutation_must_refresh_then_retry`): after a
// logical advance (another handle inserted), the stale strict update must still fail with
// ExpectedVersionMismatch, on every profile. A fix that only probes on write would break it.
import { PERSON_PROBE } from "./kit/probe.ts";
import { strictWriteScripted, strictWriteSearched } from "./kit/strict-write.ts";
import type { Scenario } from "./types.ts";

export const strictWriteAfterInsert: Scenario = {
  name: "strict-write-after-insert",
  claim: {
    kind: "control",
    of: "B4",
    why: "after another handle's insert, a stale strict update must still fail loudly: B4's fix may not turn a real conflict into a pass",
  },
  summary: "after another handle's insert, a stale strict update must fail loudly (never red)",
  crashBudget: 0,
  probe: PERSON_PROBE,
  scripted: (ctx) => strictWriteScripted(ctx, "insert"),
  searched: (ctx) => strictWriteSearched(ctx, "insert"),
};
