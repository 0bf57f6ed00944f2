import { decodeTime } from "ulid";
import { expect, test } from "vitest";
import { EPOCH_MS, VirtualClock } from "../../sim/clock.ts";
import { SeededIds } from "../../sim/ids.ts";
import { SeedTree } from "../../sim/seed.ts";

test("child seeds are derived by name: stable, distinct, and independent of siblings", () => {
  const root = SeedTree.root(42);
  expect(root.child("strategy").toString()).toBe(SeedTree.root(42).child("strategy").toString());
  expect(root.child("strategy").toString()).not.toBe(root.child("ids").toString());
  expect(root.child("strategy").toString()).not.toBe(SeedTree.root(43).child("strategy").toString());
  // Deriving another child first does not change an existing one.
  const before = root.child("ids").prng()();
  root.child("brand-new-stream");
  expect(root.child("ids").prng()()).toBe(before);
});

test("PRNG streams replay exactly", () => {
  const a = SeedTree.root(7).child("x").prng();
  const b = SeedTree.root(7).child("x").prng();
  const xs = Array.from({ length: 5 }, () => a());
  expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
  expect(new Set(xs).size).toBe(5);
});

test("the virtual clock starts at a fixed non-zero epoch and only moves when told", () => {
  const c = new VirtualClock();
  expect(c.now()).toBe(EPOCH_MS);
  expect(EPOCH_MS).toBeGreaterThan(0);
  c.advance(5);
  expect(c.now()).toBe(EPOCH_MS + 5);
  c.advanceTo(EPOCH_MS + 3);
  expect(c.now()).toBe(EPOCH_MS + 5);
  expect(() => c.advance(-1)).toThrow();
});

test("seeded ULIDs use virtual time, are monotonic, and replay from the seed", () => {
  const make = () => {
    const clock = new VirtualClock();
    const ids = new SeededIds(SeedTree.root(3).child("ids").prng(), clock);
    const out = [ids.ulid(), ids.ulid()];
    clock.advance(10);
    out.push(ids.ulid());
    return out;
  };
  const a = make();
  expect(make()).toEqual(a);
  expect(decodeTime(a[0]!)).toBe(EPOCH_MS);
  expect(decodeTime(a[2]!)).toBe(EPOCH_MS + 10);
  expect([...a].sort()).toEqual(a);
  expect(a[0]).not.toBe(a[1]);
});
