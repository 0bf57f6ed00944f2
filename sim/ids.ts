// Seeded ULIDs: ulid's monotonic factory fed the universe's PRNG and its virtual time.
import { monotonicFactory } from "ulid";
import type { Clock, IdSource } from "../engine/env.ts";
import type { Prng } from "./seed.ts";

export class SeededIds implements IdSource {
  private readonly next: (seedTime?: number) => string;

  constructor(
    prng: Prng,
    private readonly clock: Clock,
  ) {
    this.next = monotonicFactory(prng);
  }

  ulid(): string {
    // Always pass the virtual time: given none, or zero, ulid would read the host's clock.
    return this.next(this.clock.now());
  }
}

/**
 * The ids of a universe: its own seeded stream, except while a scenario's setup runs. The setup
 * draws from a stream of its own, the same for every seed, so the state a setup leaves does not
 * depend on the seed and one run of it can serve every universe of the scenario (see
 * `World.captureSetup`). The universe's stream is untouched meanwhile.
 */
export class UniverseIds implements IdSource {
  private active: IdSource;

  constructor(
    private readonly own: IdSource,
    private readonly setupStream: () => IdSource,
  ) {
    this.active = own;
  }

  ulid(): string {
    return this.active.ulid();
  }

  /** From now until `endSetup`, ids come from a fresh setup stream. */
  beginSetup(): void {
    this.active = this.setupStream();
  }

  endSetup(): void {
    this.active = this.own;
  }
}
