// torn-init-unstamped is a control at the seed (#483 is not a seed bug: the seed migrates an
// unstamped manifest). It must go red under what upstream's #311 brought, and #487 must close it.
import { expect, test } from "vitest";
import { PROFILES } from "../../engine/fixes.ts";
import { tornInitUnstamped } from "../../scenarios/torn-init-unstamped.ts";
import { formSpec } from "../../scenarios/types.ts";
import { runUniverse } from "../../sim/universe.ts";

const run = (fixes: typeof PROFILES.seed) => runUniverse({ spec: formSpec(tornInitUnstamped, "scripted"), seed: 1, fixes });

test("torn-init-unstamped scripted: green on seed, red with stampFloor311 (open refused), green again with fix487", async () => {
  expect((await run(PROFILES.seed)).violations).toEqual([]);
  const floor = await run({ ...PROFILES.seed, stampFloor311: true });
  expect(floor.violations.map((v) => v.kind)).toEqual(["open-failed"]);
  expect(floor.violations[0]!.message).toContain("InternalSchemaUnsupported");
  expect((await run({ ...PROFILES.seed, stampFloor311: true, fix487: true })).violations).toEqual([]);
});
