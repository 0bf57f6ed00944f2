// Upstream tests/staged_writes.rs, the Lance substrate facts the storage seam can express, on
// both backends. Upstream stages a transaction and commits it later; the seam has no staging,
// so "stage then commit" is one commit here, and the assertions are about what the commit does.
// (Row ids, staged scans and auto-cleanup are not in the seam; see docs/upstream-tests.md.)
import { test, expect } from "vitest";
import type { Row } from "../../engine/storage/types.ts";
import { PERSON, contract, rowsAt, v } from "./contract.ts";

const person = (id: string, age: number | null): Row => ({ id, age });

contract((k) => {
  /** `TableStore::write_dataset(uri, person_batch(rows))`: a dataset whose first data version holds `rows`. */
  async function written(...rows: Row[]) {
    const s = await k.withPerson();
    await s.datasets.commit(PERSON, null, v(1), { op: "Append", rows });
    return s;
  }

  // Mirrors staged_writes.rs::delete_where_advances_head_inline_documents_residual.
  test("a delete advances HEAD at once (the residual upstream documents)", async () => {
    const s = await written(person("alice", 30), person("bob", 25));
    const pre = await s.datasets.latestVersion(PERSON, null);
    const r = await s.datasets.commit(PERSON, null, pre, { op: "Delete", where: { anyOf: [{ column: "id", in: ["alice"] }] } });
    expect(r.rowsAffected).toBe(1);
    expect(r.version).toBeGreaterThan(pre);
    expect(await s.datasets.latestVersion(PERSON, null)).toBe(r.version);
  });

  // Mirrors staged_writes.rs::lance_restore_appends_one_commit_with_checked_out_content.
  test("a restore appends exactly one commit holding the restored version's content", async () => {
    const s = await written(person("alice", 30));
    const v2 = await s.datasets.latestVersion(PERSON, null);
    await s.datasets.commit(PERSON, null, v2, { op: "Append", rows: [person("bob", 25)] });
    await s.datasets.commit(PERSON, null, v(v2 + 1), { op: "Append", rows: [person("carol", 40)] });
    const before = await s.datasets.latestVersion(PERSON, null);
    expect(await s.datasets.restore(PERSON, null, v2)).toBe(before + 1);
    expect(await s.datasets.latestVersion(PERSON, null)).toBe(before + 1);
    expect((await rowsAt(s, v(before + 1))).map((r) => r.id)).toEqual(["alice"]);
  });

  // Mirrors staged_writes.rs::lance_restore_loses_to_concurrent_append_via_orphaning.
  test("a restore commits at HEAD + 1 over a concurrent append, which it orphans", async () => {
    const s = await written(person("alice", 30));
    const v2 = await s.datasets.latestVersion(PERSON, null);
    // Recovery decided to restore v2; a writer appends bob before the restore lands.
    await s.datasets.commit(PERSON, null, v2, { op: "Append", rows: [person("bob", 25)] });
    expect(await s.datasets.restore(PERSON, null, v2)).toBe(v2 + 2);
    expect((await rowsAt(s, v(v2 + 2))).map((r) => r.id)).toEqual(["alice"]);
  });

  // Mirrors staged_writes.rs::stage_append_then_commit_persists_data.
  test("an append commit advances the version and persists its rows", async () => {
    const s = await written(person("alice", 30));
    const pre = await s.datasets.latestVersion(PERSON, null);
    const r = await s.datasets.commit(PERSON, null, pre, { op: "Append", rows: [person("bob", 25)] });
    expect(r.version).toBeGreaterThan(pre);
    expect((await rowsAt(s, r.version)).map((x) => x.id)).toEqual(["alice", "bob"]);
  });

  // Mirrors staged_writes.rs::stage_merge_insert_then_commit_persists_merged_view.
  test("a merge-insert commit updates the matched row and inserts the new one, without duplicates", async () => {
    const s = await written(person("alice", 30));
    const pre = await s.datasets.latestVersion(PERSON, null);
    const r = await s.datasets.commit(PERSON, null, pre, { op: "StagedMergeInsert", rows: [person("alice", 31), person("bob", 25)] });
    expect(await rowsAt(s, r.version)).toEqual([person("alice", 31), person("bob", 25)]);
  });

  // Mirrors staged_writes.rs::stage_merge_insert_dedupes_superseded_committed_fragment.
  test("a merge-insert rewriting a committed row leaves one row with the new value", async () => {
    const s = await written(person("alice", 30));
    const pre = await s.datasets.latestVersion(PERSON, null);
    const r = await s.datasets.commit(PERSON, null, pre, { op: "StagedMergeInsert", rows: [person("alice", 31)] });
    expect(r.rowsAffected).toBe(1);
    expect(await rowsAt(s, r.version)).toEqual([person("alice", 31)]);
    // The superseded committed fragment is removed (`removed_fragment_ids`), the row lives on in
    // the new one, and Lance logs the commit as an Update.
    expect((await s.datasets.checkout(PERSON, null, r.version)).fragments).toBe(1);
    expect((await s.datasets.versions(PERSON, null)).at(-1)?.op).toBe("Update");
  });

  // Mirrors staged_writes.rs::stage_overwrite_empty_batch_replaces_all_rows.
  test("an empty overwrite commits one version with no rows and no fragments", async () => {
    const s = await written(person("alice", 30), person("bob", 25));
    const pre = await s.datasets.latestVersion(PERSON, null);
    const r = await s.datasets.commit(PERSON, null, pre, { op: "Overwrite", rows: [] });
    expect(r.version).toBe(pre + 1);
    expect(await s.datasets.checkout(PERSON, null, r.version)).toMatchObject({ rows: [], fragments: 0 });
  });

  // Mirrors staged_writes.rs::stage_overwrite_replaces_all_fragments.
  test("an overwrite replaces every committed fragment: only its own rows remain", async () => {
    const s = await written(person("alice", 30));
    await s.datasets.commit(PERSON, null, v(2), { op: "Append", rows: [person("bob", 25)] });
    expect((await s.datasets.checkout(PERSON, null, v(3))).fragments).toBe(2);
    const r = await s.datasets.commit(PERSON, null, v(3), { op: "Overwrite", rows: [person("zoe", 99)] });
    expect(await s.datasets.checkout(PERSON, null, r.version)).toMatchObject({ rows: [person("zoe", 99)], fragments: 1 });
  });
});
