// The virtual store: the simulator's durable substrate behind the storage seam. Its whole
// durable state is one immutable value, so a snapshot is O(1), a clone from a snapshot is
// O(1), and many futures can run from one crash point without seeing each other's writes.
import type { Storage } from "../../engine/storage/types.ts";
import { NO_DATASETS, VirtualDatasets, type DatasetsState } from "./datasets.ts";
import { NO_MANIFEST, VirtualManifest, type ManifestState } from "./manifest.ts";
import { NO_OBJECTS, VirtualObjects, type ObjectsState } from "./objects.ts";

/** Everything a crash leaves behind. Persistent values all the way down: never mutated. */
export interface StoreSnapshot {
  readonly datasets: DatasetsState;
  readonly manifest: ManifestState;
  readonly objects: ObjectsState;
}

export const EMPTY_STORE: StoreSnapshot = Object.freeze({
  datasets: NO_DATASETS,
  manifest: NO_MANIFEST,
  objects: NO_OBJECTS,
});

export class VirtualStore implements Storage {
  readonly datasets: VirtualDatasets;
  readonly manifest: VirtualManifest;
  readonly objects: VirtualObjects;

  constructor(from: StoreSnapshot = EMPTY_STORE) {
    this.datasets = new VirtualDatasets(from.datasets);
    this.manifest = new VirtualManifest(from.manifest);
    this.objects = new VirtualObjects(from.objects);
  }

  /** An independent store starting from `snap`; writes to either never show in the other. */
  static fromSnapshot(snap: StoreSnapshot): VirtualStore {
    return new VirtualStore(snap);
  }

  /** Makes `snap` the durable state, in O(1) (a universe forked from a setup's state). */
  restore(snap: StoreSnapshot): void {
    this.datasets.restoreState(snap.datasets);
    this.manifest.restoreState(snap.manifest);
    this.objects.restoreState(snap.objects);
  }

  /**
   * Runs `effect` (one storage call's synchronous effect) and returns, with its result or its
   * error, the durable states it passed through before its last: real Lance makes a compaction
   * as two commits and a cleanup as one delete per old version, so a crash can fall between
   * them. Every other call is one atomic step and passes through none.
   */
  partsOf<T>(effect: () => T): { readonly parts: readonly StoreSnapshot[]; readonly outcome: { ok: true; value: T } | { ok: false; error: unknown } } {
    const parts: StoreSnapshot[] = [];
    const onPart = () => parts.push(this.snapshot());
    // Nested (a lost write swallows the parts of the effect it undoes): the outer watcher comes back.
    const outer = [this.datasets.onPart, this.manifest.onPart] as const;
    this.datasets.onPart = onPart;
    this.manifest.onPart = onPart;
    try {
      return { parts, outcome: { ok: true, value: effect() } };
    } catch (error) {
      return { parts, outcome: { ok: false, error } };
    } finally {
      [this.datasets.onPart, this.manifest.onPart] = outer;
    }
  }

  /** The durable state now, in O(1). */
  snapshot(): StoreSnapshot {
    return Object.freeze({
      datasets: this.datasets.state,
      manifest: this.manifest.state,
      objects: this.objects.state,
    });
  }
}
