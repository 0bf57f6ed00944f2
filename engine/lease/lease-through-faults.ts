// The one home of the `leaseThroughFaults` flag (engine/fixes.ts): found by omnisim's storage
// faults, in omnisim's own branch lease (`ownerLease`). A lease is taken and given back by one
// compare-and-swap merge each; when a storage fault strikes one, nobody gives the lease back and
// every other committer (and the next open's recovery) waits out its whole lifetime for nobody:
// - an acquire whose response was lost (`ack-loss`) took the lease, but its caller saw an error;
// - a release that failed (`error`) left it held;
// - a release that read a manifest from before the lease was taken (`stale`) saw it free.
// With the fix an acquire that fails gives back a lease it may hold, a release tries a failure
// or a stale read again (up to `RELEASE_ATTEMPTS` in all), and a read older than the lease's own
// merge is known to be stale (for a failed acquire's give-back, older than the version its merge
// would have made: a stale read there saw the lease free, and the lease its lost response took
// held every other committer off: `uncommitted-optimize-audited-forward` seed 269 with `--faults
// all` on fixed). Read by `lease.ts`.
import type { Env } from "../env.ts";

export function leaseThroughFaults(env: Env): boolean {
  return env.fixes.leaseThroughFaults;
}
