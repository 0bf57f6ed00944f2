// The virtual manifest keeps each row's fragment in a list beside its sorted rows (a publish
// copies that list, not a map). Checked against a plain map model over random merges and
// compactions: every row's fragment, a missing id, and which fragments a compaction rewrites.
import { expect, test } from "vitest";
import { version, type ManifestRow } from "../../../engine/storage/types.ts";
import { fragmentOfRow, VirtualManifest } from "../../../sim/store/manifest.ts";
import { chainOf } from "../../../sim/store/refs.ts";

const row = (objectId: string): ManifestRow => ({ objectId, objectType: "table", tableKey: null });

/** A small seeded generator: the same sequence every run. */
function lcg(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

test("each row's fragment follows merges and compactions as a map by objectId would", () => {
  for (let seed = 1; seed <= 20; seed++) {
    const pick = lcg(seed);
    const manifest = new VirtualManifest(null);
    // Ids that sort differently by code unit than by length or case, to exercise the search.
    const ids = Array.from({ length: 40 }, (_, i) => `${"aBz_"[i % 4]}${i * 7919}`);
    const model = new Map<string, number>();
    let next = 1;
    manifest.createNow([row(ids[0]!)]);
    model.set(ids[0]!, 0);
    for (let step = 0; step < 60; step++) {
      const head = () => chainOf(manifest.state!, null, "test").head;
      if (pick(5) === 0) {
        const planned = new Set(model.values());
        const made = manifest.compactNow(null, head().version);
        if (planned.size < 2) expect(made).toBeNull();
        else {
          expect(head().op).toBe("Rewrite");
          expect([...head().modified].sort()).toEqual([...planned].sort());
          for (const id of model.keys()) model.set(id, next);
          next++;
        }
      } else {
        const written = [...new Set(Array.from({ length: 1 + pick(4) }, () => ids[pick(ids.length)]!))];
        const moved = new Set(written.filter((id) => model.has(id)).map((id) => model.get(id)!));
        manifest.mergeNow(null, head().version, written.map(row));
        expect(new Set(head().modified)).toEqual(moved);
        for (const id of written) model.set(id, next);
        next++;
      }
      const h = head();
      expect(h.fragments.length).toBe(h.rows.length);
      expect(h.rows.map((r) => r.objectId)).toEqual([...model.keys()].sort());
      for (const [id, fragment] of model) expect(fragmentOfRow(h, id), `${id} at v${h.version}`).toBe(fragment);
      expect(fragmentOfRow(h, "absent")).toBeUndefined();
      expect(h.nextFragment).toBe(next);
    }
  }
});

test("a merge whose row a later compaction rewrote is refused by fragment, at its old read version", () => {
  const manifest = new VirtualManifest(null);
  manifest.createNow([row("a"), row("b")]);
  manifest.mergeNow(null, version(1), [row("c")]);
  expect(manifest.compactNow(null, version(2))).not.toBeNull();
  expect(() => manifest.mergeNow(null, version(2), [row("a")])).toThrow(/rewritten by the compaction/);
});
