// The B4 pair: a long-lived handle S, opened early and never read since, runs a strict update
// after another handle advanced the table. A compaction (maintenance) must not fail it; an
// insert (a logical change) must.
import type { Expectation } from "../../sim/oracles/history.ts";
import type { ScenarioContext } from "../types.ts";
import type { Client } from "./client.ts";
import { CARD_SCHEMA } from "./schemas.ts";
import { openIn, person, setupGraph } from "./setup.ts";

export type Advance = "compaction" | "insert";

const SEED = [[person("Alice", 30)], [person("Bob", 40)]];

const UPDATE = [{ kind: "updateNode", type: "Person", where: [{ column: "id", equals: "Alice" }], set: { age: 31 } }] as const;

export function expectationFor(advance: Advance): Expectation {
  return advance === "compaction"
    ? { mustSucceed: { violation: "maintenance-failed-logical-write", why: "only a compaction moved the table since the handle's view" } }
    : { mustFail: { kind: "ExpectedVersionMismatch", violation: "stale-write-succeeded", why: "another handle inserted since the handle's view; the stale strict write must fail loudly" } };
}

async function advanceBy(x: Client, advance: Advance): Promise<unknown> {
  return advance === "compaction" ? x.optimize() : x.mutate("insert Eve", [person("Eve", 20)]);
}

/** Scripted: S opens, X advances the table, then S's strict update runs. */
export async function strictWriteScripted(ctx: ScenarioContext, advance: Advance): Promise<void> {
  await setupGraph(ctx, CARD_SCHEMA, SEED);
  const s = await openIn(ctx, "served");
  const x = await openIn(ctx, "external");
  await advanceBy(x, advance);
  await s.mutate("update Alice set age = 31 (stale handle)", UPDATE, expectationFor(advance));
}

/**
 * Searched: the seed orders S's update and X's advance (staleness, not interleaving, is the
 * question); the demand applies when the advance was acknowledged before the update began.
 */
export async function strictWriteSearched(ctx: ScenarioContext, advance: Advance): Promise<void> {
  const { world, history } = ctx;
  await setupGraph(ctx, CARD_SCHEMA, SEED);
  const s = await openIn(ctx, "served");
  const x = await openIn(ctx, "external");
  const advanceFirst = world.chance("the advance comes before the stale update");
  if (advanceFirst) await world.join(x.spawn("advance", (c) => advanceBy(c, advance)));
  const acked = advanceFirst && history.ops[history.ops.length - 1]!.status === "ok";
  const expectation = acked ? expectationFor(advance) : {};
  await world.join(s.spawn("update", (c) => c.mutate("update Alice set age = 31", UPDATE, expectation)));
  if (!advanceFirst) await world.join(x.spawn("advance", (c) => advanceBy(c, advance)));
}
