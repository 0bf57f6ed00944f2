// D4 and D5 of the fidelity audit: the classifier reads the sidecar's schema_version (a v1
// BranchMerge sidecar predates Phase-B confirmation and rolls forward loosely), and the
// orphaned-branch discard audits once and deletes through `recovery.sidecar_delete`.
import { expect, test } from "vitest";
import { FP } from "../../failpoints/catalog.ts";
import { classifyTable, CONFIRMATION_SCHEMA_VERSION } from "../../engine/recovery/classify.ts";
import { SIDECAR_SCHEMA_VERSION, type SidecarTablePin } from "../../engine/recovery/sidecar.ts";
import type { Version } from "../../engine/storage/types.ts";
import { inWorld } from "./helpers.ts";
import { auditRows, injected, person, PERSON, plantSidecar, rejects, sidecarKeys, startProcess } from "./support.ts";

const pin = (expected: number, post: number, confirmed?: number): SidecarTablePin => ({
  table_key: PERSON,
  table_path: "irrelevant",
  expected_version: expected as Version,
  post_commit_pin: post as Version,
  ...(confirmed === undefined ? {} : { confirmed_version: confirmed as Version }),
});
const v = (n: number) => n as Version;

// Taken from upstream's unit test `classify_branch_merge_requires_phase_b_confirmation`
// (src/db/manifest/recovery.rs).
test("a BranchMerge sidecar is confirmation-aware from v2; a v1 one keeps the loose roll-forward", () => {
  expect(classifyTable(pin(5, 6), v(8), v(5), "BranchMerge", SIDECAR_SCHEMA_VERSION)).toBe("IncompletePhaseB");
  expect(classifyTable(pin(5, 6), v(8), v(5), "BranchMerge", CONFIRMATION_SCHEMA_VERSION - 1)).toBe("RolledPastExpected");
  expect(classifyTable(pin(5, 6, 8), v(8), v(5), "BranchMerge", SIDECAR_SCHEMA_VERSION)).toBe("RolledPastExpected");
  expect(classifyTable(pin(5, 6, 8), v(9), v(5), "BranchMerge", SIDECAR_SCHEMA_VERSION)).toBe("UnexpectedMultistep");
});

// Mirrors failpoints.rs::orphaned_branch_discard_is_idempotent_across_delete_failure
test("an orphaned-branch discard whose delete fails audits once; the retry only deletes", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "app").init();
    await g.mutate([person("Alice", 30)]);
    await plantSidecar(w, { operationId: "01H000000000000000000000ID", kind: "Mutation", tableKey: PERSON, expected: 999, post: 1000, branch: "feature" });
    w.failpoints.set(FP.RECOVERY_SIDECAR_DELETE, { kind: "error" });
    await rejects(g.mutate([person("Bob", 25)]), "InjectedFailure", injected(FP.RECOVERY_SIDECAR_DELETE));
    expect(await sidecarKeys(w)).toHaveLength(1);
    expect((await auditRows(w)).map((r) => r.recovery_kind)).toEqual(["OrphanedBranchDiscarded"]);
    w.failpoints.set(FP.RECOVERY_SIDECAR_DELETE, { kind: "off" });
    await g.mutate([person("Bob", 25)]);
    expect(await sidecarKeys(w)).toEqual([]);
    expect((await auditRows(w)).map((r) => [r.operation_id, r.recovery_kind])).toEqual([["01H000000000000000000000ID", "OrphanedBranchDiscarded"]]);
  });
});
