import { expect, test } from "vitest";
import { initGraph, inWorld, openHandle } from "./helpers.ts";

test("init, insert nodes and an edge, read them back on another handle", async () => {
  await inWorld(async (w) => {
    const g = await initGraph(w);
    await g.mutate([
      { kind: "insertNode", type: "Person", props: { name: "Alice", age: 30 } },
      { kind: "insertNode", type: "Company", props: { name: "Acme" } },
    ]);
    await g.mutate([{ kind: "insertEdge", type: "WorksAt", from: "Alice", to: "Acme" }]);
    const other = await openHandle(w, "reader");
    expect((await other.read("node", "Person")).map((r) => r.id)).toEqual(["Alice"]);
    const edges = await other.read("edge", "WorksAt");
    expect(edges.map((e) => [e.src, e.dst])).toEqual([["Alice", "Acme"]]);
  });
});
