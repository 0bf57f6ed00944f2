import { expect, test } from "vitest";
import { parseShard, shardSeeds } from "../../cli/parallel/shard.ts";

test("shards are disjoint consecutive slices that cover every seed once", () => {
  for (const [universes, n] of [[1500, 4], [10, 3], [3, 5], [7, 7], [1, 1]] as const) {
    const seen: number[] = [];
    let next = 100;
    for (let k = 1; k <= n; k++) {
      const s = shardSeeds(100, universes, { k, n });
      expect(s.fromSeed).toBe(next);
      for (let i = 0; i < s.universes; i++) seen.push(s.fromSeed + i);
      next = s.fromSeed + s.universes;
      expect(s.universes === Math.floor(universes / n) || s.universes === Math.ceil(universes / n)).toBe(true);
    }
    expect(seen).toEqual(Array.from({ length: universes }, (_, i) => 100 + i));
  }
});

test("--shard takes k/n and refuses anything else", () => {
  expect(parseShard("2/4")).toEqual({ k: 2, n: 4 });
  for (const bad of ["0/4", "5/4", "4", "a/b", "1/0", "-1/2"]) expect(() => parseShard(bad)).toThrow(/--shard/);
});
