// B2 for endpoints (at the seed): a handle that has not looked since another handle inserted Bob
// inserts an edge to Bob. Its endpoint check (`ensure_node_id_exists`) reads
// `snapshot_for_branch`, which at the seed is the handle's warm snapshot on its bound branch
// (`resolved_branch_target` returns `coord.snapshot()`, and `open_write_txn` probes nothing,
// `crates/omnigraph/src/db/omnigraph.rs` at 7d3a52d6), so it reports Bob missing although Bob
// was published before the write began. Red when the write trusts the warm snapshot;
// `probeOnWrite` (upstream's fresh capture at 62a9c3fe) probes the manifest first. The
// `missing-endpoints-have-a-cause` oracle judges it from the published states alone.
import type { MutationOp } from "../engine/write/ops.ts";
import type { World } from "../sim/world.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { type Action, runRounds } from "./kit/rounds.ts";
import { KNOWS_SCHEMA } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario } from "./types.ts";

const knows = (from: string, to: string): MutationOp => ({ kind: "insertEdge", type: "Knows", from, to });

/** Never inserted: an edge to it fails `MissingEndpoint` rightly, on every engine. */
const NOBODY = "Zed";

function pick<T>(world: World, label: string, items: readonly T[]): T {
  return items[world.choose(label, items.length)]!;
}

/**
 * What a handle may do in a round: insert a new person (named by the round), link Alice with a
 * person inserted in an earlier round by any handle (or with one nobody inserts), or look.
 */
function actions(world: World): Action[] {
  const people: string[] = [NOBODY];
  const link: Action = {
    label: "link",
    change: "logical",
    observes: true,
    run: (c, i) => {
      const other = pick(world, `round ${i + 1}: person`, people);
      const [from, to] = world.chance(`round ${i + 1}: Alice is the source`) ? ["Alice", other] : [other, "Alice"];
      return c.mutate(`${from} knows ${to}`, [knows(from, to)]);
    },
  };
  return [
    {
      label: "insert",
      change: "logical",
      observes: true,
      run: (c, i) => {
        const name = `P${i + 1}`;
        people.push(name);
        return c.mutate(`insert ${name}`, [person(name)]);
      },
    },
    link,
    link,
    { label: "refresh", change: "none", observes: true, run: (c) => c.refresh() },
  ];
}

export const staleHandleEndpoint: Scenario = {
  name: "stale-handle-endpoint",
  summary: "a stale handle's edge insert checks its endpoint in its warm snapshot and misses a node another handle published",
  claim: {
    kind: "bug",
    bug: "B2",
    redProfile: "seed",
    symptoms: [{ kind: "spurious-missing-endpoint", errorKind: "MissingEndpoint", opKind: "mutate" }],
    closedBy: ["probeOnWrite"],
  },
  crashBudget: 0,
  probe: { ...PERSON_PROBE, schema: KNOWS_SCHEMA },
  async scripted(ctx) {
    await setupGraph(ctx, KNOWS_SCHEMA, [[person("Alice")]]);
    const b = await openIn(ctx, "handle-b");
    const a = await openIn(ctx, "handle-a");
    await a.mutate("insert Bob", [person("Bob")]);
    await b.mutate("Alice knows Bob (stale handle)", [knows("Alice", "Bob")]);
  },
  // Two or three handles, opened before any person but Alice exists, then up to seven
  // sequential rounds: what is searched is which handle last looked when.
  async searched(ctx) {
    const { world } = ctx;
    await setupGraph(ctx, KNOWS_SCHEMA, [[person("Alice")]]);
    const names = ["handle-a", "handle-b", "handle-c"].slice(0, 2 + world.choose("a third handle", 2));
    const clients = [];
    for (const name of names) clients.push(await openIn(ctx, name, { crashable: true }));
    await runRounds(world, clients, actions(world), 6);
  },
};
