// Every storage call an actor makes is a scheduling point before it takes effect, and a trace
// event (the call and its result, or its error) after.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { runUniverse } from "../../sim/universe.ts";
import type { DatasetPath, Version } from "../../engine/storage/types.ts";

test("each call of each store is one grant and one io event, in order; errors are traced too", async () => {
  const path = "nodes/t" as DatasetPath;
  const r = await runUniverse({
    seed: 1,
    fixes: PROFILES.seed,
    spec: {
      name: "scheduled-storage",
      async direct(world) {
        const s = world.env(world.process("p")).storage;
        await s.objects.put("k/a", "1");
        await s.objects.list("k/");
        await s.datasets.create(path);
        await s.datasets.commit(path, null, 1 as Version, { op: "Append", rows: [{ id: "x" }] });
        await s.manifest.create();
        await s.objects.get("k/missing").catch(() => undefined);
      },
    },
  });
  const events = r.trace.events().filter((e) => e.e === "grant" || e.e === "io");
  const steps = events.flatMap((e) => (e.e === "grant" && e.actor === "director" ? [e.step] : []));
  expect(steps).toEqual(["start", "objects.put k/a", "objects.list k/", "datasets.create nodes/t", "datasets.commit nodes/t", "manifest.create", "objects.get k/missing"]);
  const io = events.filter((e) => e.e === "io");
  expect(io.map((e) => e.op)).toEqual(["objects.put", "objects.list", "datasets.create", "datasets.commit", "manifest.create", "objects.get"]);
  expect(io[3]).toMatchObject({ ok: { version: 2, rowsAffected: 1 } });
  expect(io[5]).toMatchObject({ err: { kind: "NotFound" } });
  // The io event of a call always follows its grant: the effect happens after the point.
  const order = events.map((e) => e.e);
  expect(order.slice(1)).toEqual(["grant", "io", "grant", "io", "grant", "io", "grant", "io", "grant", "io", "grant", "io"]);
});
