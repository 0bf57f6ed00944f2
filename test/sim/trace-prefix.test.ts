// A forked trace's index is its parent's cut at the fork point plus a scan of its own events:
// it must equal a scan of the whole fork, however the fork point, the parent's later growth and
// the fork's own growth fall.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Trace, type TraceEvent } from "../../sim/trace.ts";
import { prefixIndexed, type TraceScan } from "../../sim/trace-prefix.ts";

/** Finishes, and crashes (an entry per actor killed): entries that read only their own event. */
const ends: TraceScan<{ at: number; actor: string }> = (events, from, to) => {
  const out: { at: number; actor: string }[] = [];
  for (let i = from; i < to; i++) {
    const ev = events[i]!;
    if (ev.e === "finish") out.push({ at: i, actor: ev.actor });
    if (ev.e === "crash") for (const a of ev.killed) out.push({ at: i, actor: a });
  }
  return out;
};

const eventOf = (k: number): TraceEvent =>
  k % 3 === 0 ? { e: "finish", actor: `a${k % 5}` } : k % 3 === 1 ? { e: "crash", proc: "p", cause: "test", killed: [`a${k % 4}`, `b${k % 2}`] } : { e: "grant", n: k, actor: `a${k % 5}`, step: "s" };

describe("prefix-resumable trace indexes", () => {
  it("a fork's index, and a fork of a fork's, equal a scan of all their events", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(50), { maxLength: 40 }),
        fc.nat(40),
        fc.array(fc.nat(50), { maxLength: 20 }),
        fc.array(fc.nat(50), { maxLength: 20 }),
        fc.nat(60),
        fc.array(fc.nat(50), { maxLength: 20 }),
        (before, cut, parentLater, own, cut2, own2) => {
          const parent = new Trace();
          for (const k of before) parent.emit(eventOf(k));
          // The parent indexed before it grows further, as a finished run is before its forks.
          expect(prefixIndexed(parent.events(), ends)).toEqual(ends(parent.events(), 0, parent.length));
          for (const k of parentLater) parent.emit(eventOf(k));
          const at = Math.min(cut, parent.length);
          const fork = new Trace();
          fork.startFrom(parent, at);
          for (const k of own) fork.emit(eventOf(k));
          expect(prefixIndexed(fork.events(), ends)).toEqual(ends(fork.events(), 0, fork.length));
          // Grown after it was indexed (a future's verdict, then its own forks).
          fork.emit(eventOf(own.length));
          expect(prefixIndexed(fork.events(), ends)).toEqual(ends(fork.events(), 0, fork.length));
          const grand = new Trace();
          grand.startFrom(fork, Math.min(cut2, fork.length));
          for (const k of own2) grand.emit(eventOf(k));
          expect(prefixIndexed(grand.events(), ends)).toEqual(ends(grand.events(), 0, grand.length));
        },
      ),
    );
  });

  it("an index the scan would make wrong is wrong here too (the test can fail)", () => {
    // A scan that reads past its own event breaks the contract; the check above must notice.
    const peeking: TraceScan<{ at: number }> = (events, from, to) => {
      const out: { at: number }[] = [];
      for (let i = from; i < to; i++) if (events[i + 1]?.e === "finish") out.push({ at: i });
      return out;
    };
    const parent = new Trace();
    parent.emit(eventOf(2));
    parent.emit(eventOf(0));
    const fork = new Trace();
    fork.startFrom(parent, 1);
    prefixIndexed(parent.events(), peeking);
    fork.emit(eventOf(1));
    expect(prefixIndexed(fork.events(), peeking)).not.toEqual(peeking(fork.events(), 0, fork.length));
  });
});
