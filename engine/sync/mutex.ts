// An in-memory lock whose waits the world can see. Every acquire is a scheduling point, so the
// world always knows who is blocked on what (and a lock cycle is reported as a deadlock).
import type { Env } from "../env.ts";

export type Release = () => void;

export class Mutex {
  private held = false;

  constructor(readonly name: string) {}

  get locked(): boolean {
    return this.held;
  }

  async acquire(env: Env): Promise<Release> {
    await env.world.waitUntil(this.name, () => !this.held);
    return this.take();
  }

  /**
   * The lock now if it is free, with no scheduling point (null if held): for a holder added to a
   * path whose schedules should not move when nobody contends (a waiter still waits visibly).
   */
  tryAcquire(): Release | null {
    return this.held ? null : this.take();
  }

  private take(): Release {
    this.held = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held = false;
    };
  }
}
