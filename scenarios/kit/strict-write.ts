// The B4 pair: long-lived handles run strict updates of Person after other handles advanced the
// table. What the harness demands of each update comes from its own record of the rounds, never
// from the engine: if only maintenance (a compaction) moved the table since the updating
// handle last looked, the update must succeed (B4: a false fail); if another handle's
// acknowledged logical write moved it, the update must fail with ExpectedVersionMismatch (the
// control: a stale strict write may never pass silently).
import type { Expectation } from "../../sim/oracles/history.ts";
import type { ScenarioContext } from "../types.ts";
import type { Client } from "./client.ts";
import { type Action, type Change, runRounds } from "./rounds.ts";
import { CARD_SCHEMA } from "./schemas.ts";
import { openIn, person, setupGraph } from "./setup.ts";

export type Advance = "compaction" | "insert";

const SEED = [[person("Alice", 30)], [person("Bob", 40)]];

const update = (who: string, age: number) => [{ kind: "updateNode", type: "Person", where: [{ column: "id", equals: who }], set: { age } }] as const;

/** The demand on a strict update, given what changed Person since its handle last looked. */
export function expectationFor(change: Change | "unknown"): Expectation {
  switch (change) {
    case "maintenance":
      return { mustSucceed: { violation: "maintenance-failed-logical-write", why: "only a compaction moved the table since the handle's view" } };
    case "logical":
      return { mustFail: { kind: "ExpectedVersionMismatch", violation: "stale-write-succeeded", why: "another handle wrote Person since the handle's view; the stale strict write must fail loudly" } };
    default:
      return {};
  }
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
  await s.mutate("update Alice set age = 31 (stale handle)", update("Alice", 31), expectationFor(advance === "compaction" ? "maintenance" : "logical"));
}

/**
 * Searched: two or three handles and up to six sequential rounds; each round one handle runs a
 * strict update, a read, or the advance this pair is about (compaction, or a logical insert).
 */
export async function strictWriteSearched(ctx: ScenarioContext, advance: Advance): Promise<void> {
  const { world } = ctx;
  await setupGraph(ctx, CARD_SCHEMA, SEED);
  const names = ["served", "external", "third"].slice(0, 2 + world.choose("a third handle", 2));
  const clients = [];
  for (const name of names) clients.push(await openIn(ctx, name, { crashable: true }));
  const actions: Action[] = [
    {
      label: "update",
      change: "logical",
      observes: true,
      run: (c, i, log) => {
        const who = world.chance(`round ${i + 1}: Bob rather than Alice`) ? "Bob" : "Alice";
        return c.mutate(`update ${who} set age = ${100 + i}`, update(who, 100 + i), expectationFor(log.changeSinceView(c.name)));
      },
    },
    advance === "compaction"
      ? { label: "optimize", change: "maintenance", observes: true, run: (c) => c.optimize() }
      : { label: "insert", change: "logical", observes: true, run: (c, i) => c.mutate(`insert Eve${i}`, [person(`Eve${i}`, 20)]) },
    { label: "read", change: "none", observes: true, run: (c) => c.read("Person") },
  ];
  await runRounds(world, clients, actions, 6);
}
