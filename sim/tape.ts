// The choice tape. Every choice a universe makes (which actor runs next, whether a process
// crashes, which operation a workload draws, which fault is armed) is one natural number on
// the tape. A run records its tape; a tape replays the run. Choices with a single option are
// not recorded, so tapes stay short.
//
// Decoding is tolerant: a value out of range wraps, and a tape that ends early reads as 0. So
// a tape that fast-check has shortened or lowered still means something, and 0 is always the
// simplest choice (keep running the same actor, crash nothing, draw the first operation).

export type Tape = readonly number[];

/** Maps a raw tape value onto [0, n). */
export function decode(value: number, n: number): number {
  if (n <= 1) return 0;
  const v = Number.isFinite(value) ? Math.abs(Math.trunc(value)) : 0;
  return v % n;
}

/** Tape files: JSON `{ "tape": [...] }`, optionally with where it came from. */
export interface TapeFile {
  readonly scenario?: string;
  readonly profile?: string;
  readonly form?: "searched" | "scripted";
  readonly seed?: number;
  readonly tape: number[];
}

/**
 * Parses a tape file. The fields that say where a tape came from are optional, but one that is
 * present must be well-formed: a seed of -5, 1.5 or "abc" is refused, never read as seed 1.
 */
export function parseTapeFile(text: string): TapeFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`tape file is not JSON: ${(e as Error).message}`);
  }
  const tape = Array.isArray(data) ? data : (data as { tape?: unknown } | null)?.tape;
  if (!Array.isArray(tape) || !tape.every((v) => Number.isSafeInteger(v) && v >= 0)) {
    throw new Error("tape file must hold a list of non-negative integers (as `[...]` or `{\"tape\": [...]}`)");
  }
  const meta = Array.isArray(data) ? {} : (data as Record<string, unknown>);
  for (const key of ["scenario", "profile"] as const) {
    if (meta[key] !== undefined && (typeof meta[key] !== "string" || meta[key] === "")) throw new Error(`"${key}" must be a non-empty string`);
  }
  if (meta.seed !== undefined && !(Number.isSafeInteger(meta.seed) && (meta.seed as number) >= 0)) {
    throw new Error(`"seed" must be a non-negative integer, not ${JSON.stringify(meta.seed)}`);
  }
  if (meta.form !== undefined && meta.form !== "searched" && meta.form !== "scripted") {
    throw new Error(`"form" must be "searched" or "scripted", not ${JSON.stringify(meta.form)}`);
  }
  return {
    ...(typeof meta.scenario === "string" ? { scenario: meta.scenario } : {}),
    ...(typeof meta.profile === "string" ? { profile: meta.profile } : {}),
    ...(meta.form === "searched" || meta.form === "scripted" ? { form: meta.form } : {}),
    ...(typeof meta.seed === "number" ? { seed: meta.seed } : {}),
    tape: tape as number[],
  };
}
