// D14 of the fidelity audit: a renamed table is written in one version (upstream's
// `TableStore::write_dataset`, a Create holding the rows), and the mutation accumulator rolls
// Append up into Merge and refuses only Overwrite mixing, with an OmniError (`append_batch`).
import { expect, test } from "vitest";
import { isOmniError } from "../../engine/errors.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import type { TableKey } from "../../engine/storage/types.ts";
import { MutationStaging } from "../../engine/write/staging.ts";
import { inWorld } from "./helpers.ts";
import { initAndLoad } from "./scripts.ts";
import { pin, published, startProcess } from "./support.ts";

test("a type renamed by schema apply is created holding its rows: its pin is version 1", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoad(w);
    await g.applySchema(`
node Human @rename_from("Person") { name: String @key  age: I32? }
node Company { name: String @key }
edge WorksAt: Human -> Company @card(0..1)
edge Knows: Human -> Human
`);
    const HUMAN: TableKey = "node:Human";
    expect(await pin(w, HUMAN)).toBe(1);
    expect(await w.storage.datasets.versions(tablePathForTableKey(HUMAN), null)).toEqual([{ version: 1, op: "Create", readVersion: 0 }]);
  });
});

test("an unkeyed insert then an update of it in one mutation: Append rolls up into one Merge", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "app").init(`node Note { title: String  body: String? }`);
    await g.mutate([
      { kind: "insertNode", type: "Note", props: { title: "draft" } },
      { kind: "updateNode", type: "Note", where: [{ column: "title", equals: "draft" }], set: { body: "text" } },
    ]);
    expect((await published(w, "node:Note", "title", "body")).map((r) => [r.title, r.body])).toEqual([["draft", "text"]]);
  });
});

test("staging refuses to mix Overwrite with an additive mode, with an OmniError", () => {
  const staging = new MutationStaging();
  staging.appendRows("node:Person", "Append", [{ id: "a" }]);
  staging.appendRows("node:Person", "Merge", [{ id: "b" }]);
  expect(staging.pending.get("node:Person")?.mode).toBe("Merge");
  let error: unknown = null;
  try {
    staging.appendRows("node:Person", "Overwrite", [{ id: "c" }]);
  } catch (e) {
    error = e;
  }
  expect(isOmniError(error, "StagingModesMixed") && error.manifestKind).toBe("Internal");
});
