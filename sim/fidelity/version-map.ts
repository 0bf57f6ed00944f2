// How the virtual store's version numbers map to Lance's, per dataset. They agree until a
// compaction: the model's Rewrite adds one version, LanceDB's optimize adds 0 to 3
// (docs/fidelity.md). The runner records, after each version-producing call that succeeded on
// both backends, which Lance version the virtual one became, and names versions to Lance
// through this map, so a stale read version means "the same point in history" on both.
import { version, type Version } from "../../engine/storage/types.ts";

export class VersionMap {
  private readonly byDataset = new Map<string, Map<number, Version>>();

  /** A dataset created on both backends: its history starts afresh. */
  created(key: string, virtual: Version, lance: Version): void {
    this.byDataset.set(key, new Map([[virtual, lance]]));
  }

  /** A branch forked at `at` of `parent`: its numbering up to the fork is the parent's. */
  forked(parent: string, child: string, at: Version): void {
    const map = this.byDataset.get(parent);
    if (map === undefined) return;
    this.byDataset.set(child, new Map([...map].filter(([v]) => v <= at)));
  }

  record(key: string, virtual: Version, lance: Version): void {
    this.byDataset.get(key)?.set(virtual, lance);
  }

  /**
   * The Lance version standing for `v`. Version 0 is 0; a version from the future is as far
   * beyond Lance's HEAD as `v` is beyond the virtual HEAD; an unknown one maps to itself.
   */
  toLance(key: string, v: Version, virtualHead: Version): Version {
    const map = this.byDataset.get(key);
    if (map === undefined || v <= 0) return v;
    const known = map.get(v);
    if (known !== undefined) return known;
    if (v > virtualHead) return version((map.get(virtualHead) ?? virtualHead) + (v - virtualHead));
    return v;
  }

  /** Whether Lance's numbering moved in step with the virtual store's from `from` to `to`. */
  inStep(key: string, from: Version, to: Version): boolean {
    const map = this.byDataset.get(key);
    if (map === undefined) return true;
    const base = map.get(from);
    for (let v = from; v <= to; v++) {
      const mapped = map.get(v);
      if (base === undefined || mapped === undefined || mapped - base !== v - from) return false;
    }
    return true;
  }
}
