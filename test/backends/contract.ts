// The backend contract: one suite of storage rules (engine/storage/types.ts, engine-model
// section 10.2) that every backend of the seam must keep. `contract(body)` registers `body`'s
// tests once per backend, the virtual store of the simulator and the real Lance backend, each
// test on a fresh, empty storage. What one backend does differently on purpose stays in that
// backend's own tests (test/sim/store/, test/lance/) and in docs/fidelity.md.
import { afterEach, describe } from "vitest";
import { lanceBackend, type LanceBackend } from "../../backends/lance/backend.ts";
import { version, type DatasetPath, type Row, type Storage, type Version } from "../../engine/storage/types.ts";
import { VirtualStore } from "../../sim/store/virtual-store.ts";

export { expectStorageError } from "../sim/store/helpers.ts";

export const PERSON = "nodes/person" as DatasetPath;

export const v = (n: number): Version => version(n);

export function row(id: string, value: number | string | null = null): Row {
  return { id, value };
}

export type BackendName = "virtual" | "lance";

/** One backend under test: fresh storages and the fixtures built on them. */
export interface Kit {
  readonly name: BackendName;
  /** A fresh, empty storage (on Lance, its own temporary directory, removed after the test). */
  storage(): Storage;
  /** A storage holding an empty PERSON dataset at v1. */
  withPerson(): Promise<Storage>;
  /** PERSON with one fragment per appended row: v1 empty, then v2.. one per id. */
  withFragments(...ids: string[]): Promise<Storage>;
}

export async function rowsAt(s: Storage, at: Version): Promise<readonly Row[]> {
  return (await s.datasets.checkout(PERSON, null, at)).rows;
}

function kit(name: BackendName, fresh: () => Storage): Kit {
  const k: Kit = {
    name,
    storage: fresh,
    async withPerson() {
      const s = fresh();
      await s.datasets.create(PERSON);
      return s;
    },
    async withFragments(...ids) {
      const s = await k.withPerson();
      for (const [i, id] of ids.entries()) await s.datasets.commit(PERSON, null, v(i + 1), { op: "Append", rows: [row(id, i)] });
      return s;
    },
  };
  return k;
}

const open: LanceBackend[] = [];

afterEach(async () => {
  for (const b of open.splice(0)) await b.dispose();
});

export const KITS: readonly Kit[] = [
  kit("virtual", () => new VirtualStore()),
  kit("lance", () => {
    const b = lanceBackend();
    open.push(b);
    return b.storage;
  }),
];

/** Registers `body`'s tests once per backend, in a describe block named after it. */
export function contract(body: (k: Kit) => void): void {
  for (const k of KITS) describe(k.name, () => body(k));
}
