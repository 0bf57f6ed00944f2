// What one storage call did: its value, or the kind and message of what it threw.
import { StorageError } from "../../engine/storage/errors.ts";

export type Outcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly kind: string; readonly message: string };

/** Runs `call` and captures its outcome; a non-storage error's kind is its class name. */
export async function outcomeOf(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (error instanceof StorageError) return { ok: false, kind: error.kind, message: error.message };
    const e = error instanceof Error ? error : new Error(String(error));
    return { ok: false, kind: e.name, message: e.message };
  }
}

export function describeOutcome(outcome: Outcome): string {
  return outcome.ok ? `ok ${JSON.stringify(outcome.value)}` : `${outcome.kind}: ${outcome.message}`;
}
