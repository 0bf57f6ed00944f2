// What the merge-back scenarios (`full-reload-merge`, `uncommitted-merge-audited-forward`) share:
// one keyed node type, two people on main, and the branch they are reloaded on.
import type { ScenarioContext } from "../types.ts";
import type { Client } from "./client.ts";
import { openIn, setupGraph } from "./setup.ts";

export const PERSON_SCHEMA = `
node Person { name: String @key  age: I32? }
`;

export const RELOAD_BRANCH = "reload";

export const PEOPLE = [
  { name: "Alice", age: 30 },
  { name: "Bob", age: 40 },
];

/**
 * The graph both scenarios start from: PEOPLE loaded on main and the reload branch created, by a
 * loader in its own process, beside a merger in another (crashable when the seeded plan should
 * strike its steps).
 */
export async function peopleWithReloadBranch(ctx: ScenarioContext, options: { crashableMerger?: boolean } = {}): Promise<{ loader: Client; merger: Client }> {
  await setupGraph(ctx, PERSON_SCHEMA);
  const loader = await openIn(ctx, "loader");
  const merger = await openIn(ctx, "merger", { crashable: options.crashableMerger ?? false });
  await loader.load("load the people", { mode: "Merge", nodes: { Person: PEOPLE } });
  await loader.branchCreate(RELOAD_BRANCH, "main");
  return { loader, merger };
}
