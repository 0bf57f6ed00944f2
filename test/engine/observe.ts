// Helpers of the engine tests that run one universe and look at what came of it.
import { type Fixes, PROFILES } from "../../engine/fixes.ts";
import { isOmniError } from "../../engine/errors.ts";
import { isStorageError } from "../../engine/storage/errors.ts";
import type { World } from "../../sim/world.ts";
import { inWorld } from "./helpers.ts";

/** `fixed` with some flags set otherwise. */
export function fixedWith(flags: Partial<Fixes>): Fixes {
  return { ...PROFILES.fixed, ...flags };
}

/** What `observe` returns from one universe run with `fixes`. */
export async function observed<T>(fixes: Fixes, observe: (w: World) => Promise<T>): Promise<T> {
  let seen: { value: T } | null = null;
  await inWorld(async (w) => void (seen = { value: await observe(w) }), { fixes });
  return seen!.value;
}

/** How a call ended: "ok", the kind of the typed error it failed with, or `StorageError KIND`. */
export async function ended(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    if (isOmniError(e)) return e.kind;
    if (isStorageError(e)) return `StorageError ${e.kind}`;
    throw e;
  }
}
