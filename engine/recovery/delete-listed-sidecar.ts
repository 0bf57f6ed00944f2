// The one home of the `deleteListedSidecar` flag (engine/fixes.ts): found by omnisim's storage
// faults (upstream's #601 class). A sidecar a storage fault wrote under a foreign name is listed
// and recovered, but recovery deletes (and checks) its operation's own name, so the file stays
// forever and every later recovery meets it again. With the fix, recovery deletes and checks the
// key the sidecar was listed under. Read by `process.ts` and `sweep.ts`.
import type { Env } from "../env.ts";
import { sidecarKey } from "../manifest/layout.ts";
import type { RecoverySidecar } from "./sidecar.ts";

/** The file recovery deletes (or checks) for `sidecar`. */
export function sidecarFileOf(env: Env, sidecar: RecoverySidecar): string {
  return env.fixes.deleteListedSidecar && sidecar.listedAt !== undefined ? sidecar.listedAt : sidecarKey(sidecar.operation_id);
}
