// A universe spec whose universes run with the seeded storage fault plan (`--faults`).
import type { UniverseSpec } from "../universe.ts";
import type { StorageFaultKind } from "./kinds.ts";

export function withStorageFaults(spec: UniverseSpec, kinds: readonly StorageFaultKind[] | undefined): UniverseSpec {
  if (!kinds || kinds.length === 0) return spec;
  return { ...spec, name: `${spec.name}+faults:${kinds.join(",")}`, storageFaults: { kinds } };
}
