// A version chain shares its entries with the chain an append at their end makes. Appending to
// a chain that is no longer the list's last (a state kept from before, forked or cut back to)
// must not see or disturb the entries the other chain appended.
import { expect, test } from "vitest";
import { version, type Version } from "../../../engine/storage/types.ts";
import { VersionChain } from "../../../sim/store/version-chain.ts";

const at = (n: number): { version: Version; tag: string } => ({ version: version(n), tag: `v${n}` });
const tags = (c: VersionChain<{ version: Version; tag: string }>) => c.toArray().map((e) => e.tag);

test("two appends to one chain each see their own history", () => {
  const a = VersionChain.of(at(1)).append(at(2));
  const b = a.append(at(3)).append(at(4));
  const c = a.append({ version: version(3), tag: "other" });
  expect(tags(a)).toEqual(["v1", "v2"]);
  expect(tags(b)).toEqual(["v1", "v2", "v3", "v4"]);
  expect(tags(c)).toEqual(["v1", "v2", "other"]);
  expect(a.size).toBe(2);
  expect(a.head.tag).toBe("v2");
  expect(a.find(version(3))).toBeUndefined();
  expect(a.after(version(1)).map((e) => e.tag)).toEqual(["v2"]);
  expect(c.find(version(3))?.tag).toBe("other");
  expect(c.append(at(4)).head.tag).toBe("v4");
  expect(tags(b)).toEqual(["v1", "v2", "v3", "v4"]);
});

test("forks and cleanups of a shared chain keep their own entries", () => {
  const a = VersionChain.of(at(1)).append(at(2)).append(at(3));
  const fork = a.upTo(version(2));
  const grown = a.append(at(4));
  expect(tags(fork.append({ version: version(3), tag: "fork" }))).toEqual(["v1", "v2", "fork"]);
  expect(tags(a.withoutOldest(1))).toEqual(["v2", "v3"]);
  expect(tags(a.headOnly())).toEqual(["v3"]);
  expect(tags(grown)).toEqual(["v1", "v2", "v3", "v4"]);
  expect(() => a.upTo(version(4))).toThrow(/no version 4/);
});
