// The `fix487` flag's one home (#487, `4ea14450`): the internal-schema stamp rides the
// `__manifest` Create commit (and the unused `table_version_management` config write is
// dropped), so the manifest is born stamped at version 1 and no crash can leave it durable but
// unstamped (#483). At the seed init stamps in a separate commit after the Create and a config
// commit.
import type { Env } from "../env.ts";

/** Whether init's Create commit carries the stamp. */
export function stampsAtCreate(env: Env): boolean {
  return env.fixes.fix487;
}
