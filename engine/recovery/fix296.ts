// The one home of the `fix296` flag (engine/fixes.ts): #296: an open-sweep roll-forward that loses
// the publish race (ExpectedVersionMismatch) converges or defers instead of failing the open. Read
// by `process.ts`.
import type { Env } from "../env.ts";

/** Whether `fix296` is on for this engine. */
export function fix296(env: Env): boolean {
  return env.fixes.fix296;
}
