// The seed tree. A universe has one root seed; every stream of choices it needs is a child
// derived by name with a SplitMix64 mix, so adding a new child never changes an old one.
import seedrandom from "seedrandom";
import { fnv1a64 } from "../engine/util/hash.ts";

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64's finalizer: a bijective mix of 64 bits. */
function mix64(z: bigint): bigint {
  z = (z + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

export type Prng = () => number;

export class SeedTree {
  private constructor(readonly value: bigint) {}

  /** The root of a universe. Seeds are the non-negative integers a user types. */
  static root(seed: number | bigint): SeedTree {
    const n = BigInt(seed);
    if (n < 0n || n > MASK64) throw new RangeError(`seed out of range: ${seed}`);
    return new SeedTree(mix64(n));
  }

  /** The child seed named `name`; the same name always gives the same child. */
  child(name: string): SeedTree {
    return new SeedTree(mix64(this.value ^ fnv1a64(name)));
  }

  /** A PRNG stream on this seed: seedrandom's Alea, uniform in [0, 1). */
  prng(): Prng {
    return seedrandom.alea(this.value.toString(16));
  }

  toString(): string {
    return this.value.toString(16).padStart(16, "0");
  }
}

/** A uniform integer in [0, n). */
export function pick(prng: Prng, n: number): number {
  return Math.min(n - 1, Math.floor(prng() * n));
}
