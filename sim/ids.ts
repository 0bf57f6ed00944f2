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
