// Under `ownerLease` a write recovers dead committers' sidecars inside its commit section, after
// it planned. A recovery there that published (a roll-back's Restore) moved the graph head: the
// write prepares again on what recovery left, instead of failing a strict check against it
// (random-workload seed 1189 with `--faults all` on fixed: an update planned on its own handle's
// unpublished index build, which its section then rolled back; ExpectedVersionMismatch).
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { FP } from "../../failpoints/catalog.ts";
import { ended } from "./observe.ts";
import { inWorld } from "./helpers.ts";
import { company, edge, head, PERSON, person, pin, startProcess } from "./support.ts";

test("ownerLease: a strict update planned on an unpublished index build its section rolls back prepares again and succeeds", async () => {
  let seen = "";
  await inWorld(
    async (w) => {
      const g = await startProcess(w, "app").init();
      await g.mutate([person("Alice", 30), company("Acme"), edge("WorksAt", "Alice", "Acme")]);
      // The index build on Person commits, the next table's fails: Person's HEAD is an
      // unpublished CreateIndex, and the build's sidecar is left for recovery.
      w.failpoints.set(FP.ENSURE_INDICES_POST_STAGE_PRE_COMMIT_BTREE, { kind: "error", times: 1, skip: 2 });
      const build = await ended(g.ensureIndices());
      const unpublished = (await head(w, PERSON)) - (await pin(w, PERSON));
      const update = await ended(g.mutate([{ kind: "updateNode", type: "Person", where: [{ column: "name", equals: "Alice" }], set: { age: 31 } }]));
      seen = `build ${build}; unpublished ${unpublished}; update ${update}`;
    },
    { fixes: PROFILES.fixed },
  );
  expect(seen).toBe("build InjectedFailure; unpublished 2; update ok");
});
