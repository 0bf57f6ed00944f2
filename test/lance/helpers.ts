// Shared fixtures for the Lance backend tests: a fresh backend per test, disposed after it.
import { afterEach } from "vitest";
import { lanceBackend, type LanceBackend, type LanceBackendOptions } from "../../backends/lance/backend.ts";
import type { LanceStorage } from "../../backends/lance/lance-storage.ts";
import { version, type DatasetPath, type Row, type Version } from "../../engine/storage/types.ts";

export { expectStorageError } from "../sim/store/helpers.ts";

export const PERSON = "nodes/person" as DatasetPath;

export const v = (n: number): Version => version(n);

export function row(id: string, value: number | string | null = null): Row {
  return { id, value };
}

const open: LanceBackend[] = [];

afterEach(async () => {
  for (const backend of open.splice(0)) await backend.dispose();
});

/** A fresh backend in its own temporary directory, disposed after the test. */
export function backend(options: LanceBackendOptions = {}): LanceBackend {
  const b = lanceBackend(options);
  open.push(b);
  return b;
}

export function storage(): LanceStorage {
  return backend().storage;
}

/** A storage holding an empty PERSON dataset at v1. */
export async function withPerson(): Promise<LanceStorage> {
  const s = storage();
  await s.datasets.create(PERSON);
  return s;
}

/** PERSON with one fragment per appended row: v1 empty, then v2.. one per id. */
export async function withFragments(...ids: string[]): Promise<LanceStorage> {
  const s = await withPerson();
  for (const [i, id] of ids.entries()) await s.datasets.commit(PERSON, null, v(i + 1), { op: "Append", rows: [row(id, i)] });
  return s;
}

export async function rowsAt(s: LanceStorage, at: Version): Promise<readonly Row[]> {
  return (await s.datasets.checkout(PERSON, null, at)).rows;
}
