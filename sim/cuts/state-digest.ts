// The content digest of a crash state's durable store (`sim/store/digest.ts`), remembered by
// the store's parts: consecutive states share them (the state just after one write is the state
// just before the next), so most states cost a lookup.
import { digest } from "../store/digest.ts";
import type { StoreSnapshot } from "../store/virtual-store.ts";

const NO_MANIFEST = {};
const byParts = new WeakMap<object, WeakMap<object, WeakMap<object, string>>>();

export function stateDigest(s: StoreSnapshot): string {
  let byManifest = byParts.get(s.datasets);
  if (!byManifest) byParts.set(s.datasets, (byManifest = new WeakMap()));
  const manifestKey = s.manifest ?? NO_MANIFEST;
  let byObjects = byManifest.get(manifestKey);
  if (!byObjects) byManifest.set(manifestKey, (byObjects = new WeakMap()));
  let d = byObjects.get(s.objects);
  if (d === undefined) byObjects.set(s.objects, (d = digest(s)));
  return d;
}
