// Under `ownerLease`, releasing the branch lease hands a failed merge's sidecar to recovery: the
// next committer may roll it back at once. The merge's error-path refresh of its handle (upstream's
// best-effort `refresh_coordinator_only`) must therefore run before the lease goes, so that no
// part of the operation runs once its sidecar is recovery's
// (uncommitted-merge-audited-forward on fixed, portfolio seed 566).
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { FP } from "../../failpoints/catalog.ts";
import type { TraceEvent } from "../../sim/trace.ts";
import { inWorld } from "./helpers.ts";
import { settle, startProcess } from "./support.ts";

/** The storage calls after the injected failure, each as `op` (a manifest merge with its rows). */
function callsAfterFailure(events: readonly TraceEvent[]): string[] {
  const failed = events.findIndex((e) => e.e === "failpoint" && e.decision === "error");
  expect(failed).toBeGreaterThanOrEqual(0);
  return events.slice(failed).flatMap((e) => (e.e !== "io" ? [] : e.op === "manifest.merge" ? [`${e.op} ${JSON.stringify(e.args.rows)}`] : [e.op]));
}

test("ownerLease: a merge failing after its first commit refreshes its handle before it releases the lease, and does nothing after", async () => {
  let calls: string[] = [];
  await inWorld(
    async (w) => {
      const g = await startProcess(w, "app").init();
      await g.load({ mode: "Merge", nodes: { Person: [{ name: "Alice", age: 30 }, { name: "Bob", age: 40 }] } });
      await g.branchCreate("reload");
      await g.load({ mode: "Merge", nodes: { Person: [{ name: "Alice", age: 31 }] } }, null, { branch: "reload" });
      const from = w.trace.length;
      w.failpoints.set(FP.BRANCH_MERGE_ADOPT_AFTER_UPSERT_PRE_DELETE, { kind: "error", times: 1 });
      const merge = await settle(g.branchMerge("reload", "main"));
      expect(merge.ok ? "ok" : merge.error.kind).toBe("InjectedFailure");
      calls = callsAfterFailure(w.trace.since(from));
    },
    { fixes: PROFILES.fixed },
  );
  // The refresh's load, then the lease's release as the operation's last storage call.
  expect(calls).toEqual(["manifest.load", "manifest.load", 'manifest.merge ["lease:branch:main"]']);
});
