// A director that cannot go on because one of its recorded operations failed (an open refused a
// file a storage fault damaged, say) stops with a JudgedStop: that operation's record carries the
// verdict (op-policy raises it; the faults judge may excuse it as detected damage), so the stop
// itself is no harness error. It is quiet only where the failure is one the policy judges: an
// error the operation's kind may end with would leave the rest of the script unrun and unjudged,
// a silent pass, and stays a harness error.
import { failureIsJudged } from "./oracles/op-policy.ts";
import type { OpRecord } from "./oracles/history.ts";

export class JudgedStop extends Error {
  override readonly name = "JudgedStop";
  constructor(readonly op: OpRecord) {
    super(`${op.label} failed with ${op.errorKind ?? "no error"}; the scenario cannot go on`);
  }
}

/** Whether `e` is a stop whose operation failed in a way the oracles judge (not a harness error). */
export function isJudgedStop(e: unknown): boolean {
  return e instanceof JudgedStop && e.op.status === "err" && failureIsJudged(e.op);
}

/** The stop for a recorded operation's failure; a plain Error (a harness error) where there is none. */
export function stopAt(op: OpRecord | undefined, fallback: string): Error {
  return op && op.status === "err" ? new JudgedStop(op) : new Error(fallback);
}
