// The environment a handle is opened with. The engine never imports the simulator: the
// simulator hands it a simulated Env (virtual clock, seeded ids, scheduled storage), and the
// real backend a real one. Everything nondeterministic reaches the engine through here.
import type { FailpointName } from "../failpoints/catalog.ts";
import type { HitOutcome } from "../failpoints/registry.ts";
import type { Fixes } from "./fixes.ts";
import type { Storage } from "./storage/types.ts";

export interface Clock {
  /** Milliseconds since the Unix epoch, in the world's time. */
  now(): number;
}

export interface IdSource {
  /** A new ULID; monotonic within one world. */
  ulid(): string;
}

export interface FailpointPort {
  /** A named failpoint: a scheduling point, and an injected failure when armed so. */
  hit(name: FailpointName): Promise<HitOutcome>;
}

/** What the engine may ask of the world it runs in, beyond storage. */
export interface WorldPort {
  /**
   * A scheduling point with no storage effect: a step of the engine's own that another actor
   * may run before (the publisher's pre-check and row build are such steps).
   */
  point(label: string): Promise<void>;
  /**
   * A scheduling point at which the calling actor waits until `ready()` holds. In-memory
   * locks (the write queues) wait here, so the world always knows who is blocked on what.
   */
  waitUntil(reason: string, ready: () => boolean): Promise<void>;
  /** Waits `ms` of the world's time (a lease poll); other actors run meanwhile. */
  sleep(ms: number): Promise<void>;
  /** Starts a detached task in the calling process, as the server's `tokio::spawn` did. */
  spawn(name: string, task: () => Promise<unknown>): void;
  /** State shared by every handle of the calling process; it dies with the process. */
  processLocal<T>(key: string, init: () => T): T;
}

export interface Env {
  /** The graph root; handles of one root in one process may share state keyed by it. */
  readonly root: string;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly storage: Storage;
  readonly failpoints: FailpointPort;
  readonly world: WorldPort;
  readonly fixes: Fixes;
}
