// The one place the `ownerLease` flag is read: whether committers and recovery coordinate
// through the branch lease (fixed) or through per-handle queues and nothing else (seed).
import type { Env } from "../env.ts";

export function leaseGuardsCommits(env: Env): boolean {
  return env.fixes.ownerLease;
}
