// Shared fixtures for the virtual store tests.
import { expect } from "vitest";
import { StorageError, type StorageErrorKind } from "../../../engine/storage/errors.ts";
import { version, type DatasetPath, type Row, type Version } from "../../../engine/storage/types.ts";
import { VirtualStore } from "../../../sim/store/virtual-store.ts";

export const PERSON = "nodes/person" as DatasetPath;

export const v = (n: number): Version => version(n);

export function row(id: string, value: number | string | null = null): Row {
  return { id, value };
}

/** Resolves to the StorageError `promise` rejects with, after checking its kind (and message). */
export async function expectStorageError(
  promise: Promise<unknown>,
  kind: StorageErrorKind,
  message?: string,
): Promise<StorageError> {
  const outcome = await promise.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome)) throw new Error(`expected ${kind}, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(StorageError);
  const error = outcome.error as StorageError;
  expect(error.kind).toBe(kind);
  if (message !== undefined) expect(error.message).toBe(message);
  return error;
}

/** A store holding an empty PERSON dataset at v1. */
export async function storeWithPerson(): Promise<VirtualStore> {
  const store = new VirtualStore();
  await store.datasets.create(PERSON);
  return store;
}

/** A store where PERSON has one fragment per appended row: v1 empty, then v2.. one per id. */
export async function storeWithFragments(...ids: string[]): Promise<VirtualStore> {
  const store = await storeWithPerson();
  for (const [i, id] of ids.entries()) await store.datasets.commit(PERSON, null, v(i + 1), { op: "Append", rows: [row(id, i)] });
  return store;
}

export async function rowsAt(store: VirtualStore, at: Version): Promise<readonly Row[]> {
  return (await store.datasets.checkout(PERSON, null, at)).rows;
}
