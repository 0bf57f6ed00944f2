// B2 (#298): a handle that has not looked since another handle gave Alice a WorksAt edge
// inserts a second one. Its `@card` scan reads its pinned (stale) base, counts no edge, and the
// commit rebases onto the other's: two WorksAt edges for one source under @card(0..1). Red when
// the scan reads the pin (`regress298`). Mirrors upstream
// `cardinality_rejected_for_stale_handle_after_concurrent_edge_commit`.
import type { MutationOp } from "../engine/write/ops.ts";
import type { World } from "../sim/world.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { type Action, runRounds } from "./kit/rounds.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { company, openIn, person, setupGraph, worksAt } from "./kit/setup.ts";
import type { Scenario, ScenarioContext } from "./types.ts";

export const PEOPLE = ["Alice", "Bob"] as const;
export const COMPANIES = ["Acme", "Beta", "Cyan"] as const;
export const STALE_HANDLES_SEED: readonly (readonly MutationOp[])[] = [[...PEOPLE.map((p) => person(p)), ...COMPANIES.map((c) => company(c))]];

function pick<T>(world: World, label: string, items: readonly T[]): T {
  return items[world.choose(label, items.length)]!;
}

/** What a stale handle may do in a round: look (read, refresh) or write and delete edges. */
export function edgeActions(world: World, write: "mutate" | "load"): Action[] {
  return [
    {
      label: write === "mutate" ? "insert" : "load",
      change: "logical",
      observes: true,
      run: (c, i) => {
        const [from, to] = [pick(world, `round ${i + 1}: person`, PEOPLE), pick(world, `round ${i + 1}: company`, COMPANIES)];
        return write === "mutate"
          ? c.mutate(`${from} works at ${to}`, [worksAt(from, to)])
          : c.load(`load ${from} works at ${to}`, { mode: "Append", edges: { WorksAt: [{ from, to }] } });
      },
    },
    {
      label: "unlink",
      change: "logical",
      observes: true,
      run: (c, i) => {
        const who = pick(world, `round ${i + 1}: person`, PEOPLE);
        return c.mutate(`delete ${who}'s WorksAt edges`, [{ kind: "deleteEdge", type: "WorksAt", where: [{ column: "src", equals: who }] }]);
      },
    },
    { label: "read", change: "none", observes: true, run: (c) => c.read("Person") },
    { label: "refresh", change: "none", observes: true, run: (c) => c.refresh() },
  ];
}

/** Two or three handles, opened before any edge exists, then up to six sequential rounds. */
export async function staleEdgeRounds(ctx: ScenarioContext, write: "mutate" | "load"): Promise<void> {
  const { world } = ctx;
  await setupGraph(ctx, CARD_SCHEMA, STALE_HANDLES_SEED);
  const names = ["handle-a", "handle-b", "handle-c"].slice(0, 2 + world.choose("a third handle", 2));
  const clients = [];
  for (const name of names) clients.push(await openIn(ctx, name, { crashable: true }));
  await runRounds(world, clients, edgeActions(world, write), 6);
}

export const cardStaleHandle: Scenario = {
  name: "card-stale-handle",
  summary: "a stale handle's @card scan reads its pinned base and admits a second edge (#298)",
  claim: {
    kind: "bug",
    bug: "B2",
    redProfile: "regress-298",
    symptoms: [{ kind: "card-violated", table: "edge:WorksAt" }],
    closedBy: ["regress298"],
    masks: [
      { flags: ["probeOnWrite"], why: "a write that probes the manifest pins a fresh base, so even a scan of the pin sees the other handle's edge" },
      { flags: ["readSetToken"], why: "the stale base's head token no longer matches under the commit gate, so the insert re-prepares on a fresh base" },
    ],
  },
  crashBudget: 0,
  probe: PERSON_PROBE,
  async scripted(ctx) {
    await setupGraph(ctx, CARD_SCHEMA, [[person("Alice"), company("Acme"), company("Beta")]]);
    const b = await openIn(ctx, "handle-b");
    const a = await openIn(ctx, "handle-a");
    await a.mutate("Alice works at Acme", [worksAt("Alice", "Acme")]);
    await b.mutate("Alice works at Beta (stale handle)", [worksAt("Alice", "Beta")]);
  },
  searched: (ctx) => staleEdgeRounds(ctx, "mutate"),
};
