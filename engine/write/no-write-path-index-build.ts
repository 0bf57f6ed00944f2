// The one home of the `noWritePathIndexBuild` flag (engine/fixes.ts): B9: no index builds on the
// write path. Read by `publish.ts`.
import type { Env } from "../env.ts";

/** Whether `noWritePathIndexBuild` is on for this engine. */
export function noWritePathIndexBuild(env: Env): boolean {
  return env.fixes.noWritePathIndexBuild;
}
