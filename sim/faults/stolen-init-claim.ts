// Whether an init paused past its claim deleted another init's claim, read from the trace alone
// (the harness's record of every storage call, never the engine's word). Upstream's release is a
// blind delete (`best_effort_release_init_claim`), so an init taken over while it was paused
// deletes its successor's claim when it resumes: by design there, and the faults judge excuses
// what follows as the pause's limit. With `ownInitClaimRelease` (F15) a release deletes only its
// own claim, read just before, so the one way left is a pause struck on that very delete, after
// the read (the fix's residual window, docs/fixes.md F15): any other such delete is a bug the
// judge must not excuse.
import { INIT_CLAIM_FILE } from "../../engine/graph/fix502.ts";
import type { TraceEvent } from "../trace.ts";
import { resultAt } from "../oracles/took-effect.ts";
import type { StruckFault } from "./plan.ts";

/** `initTakeover`'s create-if-absent marker (engine/graph/init-takeover.ts): its winner deletes the dead attempt's claim by design. */
const TAKEOVER_MARKER_PREFIX = "__init_takeover_";

/** Faults after which a put of the claim left nothing new of its writer's under the key. */
const MISSED: ReadonlySet<string> = new Set(["lost", "misdirected"]);

export interface StolenClaim {
  /** Trace index of the delete. */
  readonly at: number;
  /** The actor whose claim it deleted. */
  readonly owner: string;
  /** Whether pause `f` struck this very delete (the residual window of `ownInitClaimRelease`). */
  readonly pausedDelete: boolean;
}

/**
 * The first delete of the init claim by `f`'s actor after pause `f` that took a claim another
 * actor put (its last write of the key landed; no delete since), other than a takeover's.
 */
export function stolenInitClaim(events: readonly TraceEvent[], f: StruckFault): StolenClaim | null {
  let holder: string | null = null;
  const tookOver = new Set<string>();
  let firstAfterPause = true;
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    if (ev.e !== "io") continue;
    // The paused call's own `io` event is its actor's first after the pause's `fault` event.
    const first = i > f.at && ev.actor === f.actor && firstAfterPause;
    if (first) firstAfterPause = false;
    if (!resultAt(events, i)) continue;
    const key = (ev.args as { key?: unknown }).key;
    if (ev.op === "objects.putIfAbsent" && typeof key === "string") {
      // A takeover's marker that took effect: its actor's next delete of the claim is the dead attempt's.
      if (key.startsWith(TAKEOVER_MARKER_PREFIX) && resultAt(events, i)!.value === true) tookOver.add(ev.actor);
      if (key === INIT_CLAIM_FILE) tookOver.delete(ev.actor);
    }
    if (key !== INIT_CLAIM_FILE) continue;
    if (ev.op === "objects.putIfAbsent" || ev.op === "objects.put") {
      const before = events[i - 1];
      const missed = before?.e === "fault" && before.actor === ev.actor && before.op === ev.op && MISSED.has(before.kind);
      if (resultAt(events, i)!.value !== false && !missed) holder = ev.actor;
      continue;
    }
    if (ev.op !== "objects.delete") continue;
    const owner = holder;
    holder = null;
    if (tookOver.delete(ev.actor)) continue;
    if (i > f.at && ev.actor === f.actor && owner !== null && owner !== f.actor) {
      return { at: i, owner, pausedDelete: first && f.op === "objects.delete" && f.subject === INIT_CLAIM_FILE };
    }
  }
  return null;
}
