// `_graph_commits`: one row per publish, appended after it (a separate step, so a crash can
// fall between the publish and the append: the seed's non-atomic lineage).
import type { Env } from "../env.ts";
import type { Branch, Version } from "../storage/types.ts";
import { GRAPH_COMMITS } from "./layout.ts";

/** The actor recovery writes its commits as. */
export const RECOVERY_ACTOR = "omnigraph:recovery";

/** Appends a graph commit for `manifestVersion`; returns its id. */
export async function appendGraphCommit(env: Env, branch: Branch, manifestVersion: Version, actor: string | null): Promise<string> {
  const id = env.ids.ulid();
  const head = await env.storage.datasets.latestVersion(GRAPH_COMMITS, null);
  await env.storage.datasets.commit(GRAPH_COMMITS, null, head, {
    op: "Append",
    rows: [
      {
        id,
        manifest_branch: branch,
        manifest_version: manifestVersion,
        actor,
        created_at: env.clock.now(),
      },
    ],
  });
  return id;
}
