// D6 of the fidelity audit: upstream's `rename_text` on an object store is a copy and then a
// delete (storage.rs), so the model renames in two storage calls and a crash between them
// leaves both files, with the same content.
import { expect, test } from "vitest";
import { renameText } from "../../engine/storage/rename-text.ts";
import { inWorld } from "./helpers.ts";
import { startProcess } from "./support.ts";

// Taken from upstream's storage adapter unit test (src/storage.rs, `contract_suite_in_memory`):
// its rename and if_absent parts.
test("rename replaces the destination and removes the source; of two if-absent claims exactly one wins", async () => {
  await inWorld(async (w) => {
    const env = startProcess(w, "app").env;
    const o = env.storage.objects;
    await o.put("contract/a.json", "v2");
    await o.put("contract/src.json", "moved");
    await renameText(env, "contract/src.json", "contract/a.json");
    expect(await o.get("contract/a.json")).toBe("moved");
    expect(await o.exists("contract/src.json")).toBe(false);
    expect(await o.putIfAbsent("contract/claim.json", "first")).toBe(true);
    expect(await o.putIfAbsent("contract/claim.json", "second")).toBe(false);
    expect(await o.get("contract/claim.json")).toBe("first");
  });
});

test("a crash between the copy and the delete leaves both files with the same content", async () => {
  await inWorld(async (w) => {
    await w.storage.objects.put("_schema.pg.staging", "new");
    await w.storage.objects.put("_schema.pg", "old");
    const app = startProcess(w, "app");
    const renaming = app.spawn("rename", () => renameText(app.env, "_schema.pg.staging", "_schema.pg"));
    // The actor's first step starts it, its second is the copy, its third the delete: crash
    // once the copy is done, with the actor waiting to delete.
    await w.until("the copy landed", () => renaming.steps >= 2 || renaming.ended);
    w.crash(app.proc);
    await w.join(renaming);
    expect(await w.storage.objects.get("_schema.pg")).toBe("new");
    expect(await w.storage.objects.get("_schema.pg.staging")).toBe("new");
  });
});
