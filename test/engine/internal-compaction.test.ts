// Upstream's optimize also compacts the graph's internal tables in place (D3): `__manifest`,
// `_graph_commits` and `_graph_commit_actors`, with no sidecar and no publish.
import { expect, test } from "vitest";
import { GRAPH_COMMITS } from "../../engine/manifest/layout.ts";
import { inWorld } from "./helpers.ts";
import { countRows, initAndLoadTest, insertPerson } from "./upstream.ts";

// Mirrors maintenance.rs::optimize_compacts_internal_tables.
test("optimize compacts __manifest and _graph_commits after 20 commits, leaks no sidecar, and the graph stays writable", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    for (let i = 0; i < 20; i++) await g.mutate([insertPerson(`p${i}`, 30)]);
    const commitsBefore = await w.storage.datasets.checkout(GRAPH_COMMITS, null, await w.storage.datasets.latestVersion(GRAPH_COMMITS, null));
    expect(commitsBefore.fragments).toBeGreaterThan(1);
    const manifestBefore = await w.storage.manifest.latestVersion(null);
    await g.optimize();
    // Both compacted (ReserveFragments + Rewrite on `__manifest`, the commit graph down to one fragment).
    const commitsAfter = await w.storage.datasets.checkout(GRAPH_COMMITS, null, await w.storage.datasets.latestVersion(GRAPH_COMMITS, null));
    expect(commitsAfter.fragments).toBe(1);
    const manifestAfter = await w.storage.manifest.latestVersion(null);
    expect(manifestAfter).toBeGreaterThan(manifestBefore);
    // A lone fragment: a second compaction planned now has nothing to do.
    expect(await w.storage.manifest.compact(null, manifestAfter)).toBeNull();
    expect(await w.storage.objects.list("__recovery/")).toEqual([]);
    expect(await countRows(w, "node:Person")).toBeGreaterThan(0);
    await g.mutate([insertPerson("after_compact", 40)]);
  });
});
