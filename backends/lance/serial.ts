// One storage call at a time. The adapter's own guarantees (the op-log conflict check, the
// manifest's row-level CAS, version numbering read before a commit) are sound only if nothing
// runs between a check and its commit. The simulator already drives the backend one call at a
// time; this makes direct callers (tests, the fidelity runner) safe as well.
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(call: () => Promise<T>): Promise<T> {
    const next = this.tail.then(call);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
