// FNV-1a 64-bit, as upstream's `type_name_hash` uses for table paths. Also used by the seed
// tree to turn child names into numbers.

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = (1n << 64n) - 1n;

export function fnv1a64(text: string): bigint {
  let h = FNV_OFFSET;
  const bytes = new TextEncoder().encode(text);
  for (const b of bytes) {
    h ^= BigInt(b);
    h = (h * FNV_PRIME) & MASK64;
  }
  return h;
}

export function fnv1a64Hex(text: string): string {
  return fnv1a64(text).toString(16).padStart(16, "0");
}
