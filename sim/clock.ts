// The virtual clock. It starts at a fixed, non-zero epoch (ulid treats 0 as "use the wall
// clock") and moves only when the world moves it: one tick per granted step, or a jump to the
// next sleeper's deadline when everyone else is blocked.
import type { Clock } from "../engine/env.ts";

/** 2025-06-15T15:06:40Z. Any fixed non-zero instant would do. */
export const EPOCH_MS = 1_750_000_000_000;

export class VirtualClock implements Clock {
  private ms = EPOCH_MS;

  now(): number {
    return this.ms;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot move time backwards: ${ms}`);
    this.ms += ms;
  }

  advanceTo(ms: number): void {
    if (ms > this.ms) this.ms = ms;
  }
}
