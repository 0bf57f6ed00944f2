// A storage fault a script places: the seeded fault plan's own effects (`plan.ts`), struck at
// the calls a script names instead of where the tape says. Scripted forms of the scenarios the
// fault plans found (their searched forms get the seeded plan), the tests of the fixes, and the
// planted-defect test of each fault kind use it.
import { type ChosenFault, StorageFaultPlan } from "./plan.ts";
import type { StorageFaultKind } from "./kinds.ts";
import type { ScheduledStorage } from "../scheduled-storage.ts";
import type { StorageCall } from "../storage-calls.ts";
import { VirtualStore } from "../store/virtual-store.ts";
import type { World } from "../world.ts";

class ScriptedFaults extends StorageFaultPlan {
  private left: number;

  constructor(
    world: World,
    private readonly kind: StorageFaultKind,
    private readonly matches: (call: StorageCall) => boolean,
    private readonly param: number,
    private readonly delayMs: number,
    times: number,
  ) {
    super(world, { kinds: [kind] });
    this.left = times;
  }

  override plan(call: StorageCall): ChosenFault | null {
    if (this.left === 0 || !this.matches(call)) return null;
    this.left--;
    return { kind: this.kind, param: this.param, delayMs: this.delayMs };
  }
}

export interface Strike {
  /** The kind's parameter (how torn, how stale), as the plan's choice would give it. */
  readonly param?: number;
  /** A latency's delay. */
  readonly delayMs?: number;
  /** How many matching calls it strikes (default 1). */
  readonly times?: number;
}

/**
 * From now on, `kind` strikes the next `times` calls `matches` accepts (by any actor), in place
 * of the world's seeded plan. The virtual store only (a real backend has no fault layer).
 */
export function strike(w: World, kind: StorageFaultKind, matches: (call: StorageCall) => boolean, o: Strike = {}): StorageFaultPlan {
  if (w.backend.external || !(w.backend.storage instanceof VirtualStore)) throw new Error("a scripted storage fault needs the virtual store: a real backend has no fault layer");
  const layer = new ScriptedFaults(w, kind, matches, o.param ?? 0, o.delayMs ?? 0, o.times ?? 1);
  (w.storage as ScheduledStorage).faults = layer;
  return layer;
}

/** A call on object `key` (or, for a copy, to it) of `op`. */
export const objectCall =
  (op: StorageCall["op"], key: (k: string) => boolean) =>
  (call: StorageCall): boolean =>
    call.op === op && key(call.object?.key ?? call.subject);
