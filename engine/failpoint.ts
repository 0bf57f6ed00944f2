// `maybe_fail`: a named failpoint on the engine's path. Always a scheduling point; an injected
// error when armed with "error" (the seed's "return" action).
import type { FailpointName } from "../failpoints/catalog.ts";
import type { Env } from "./env.ts";
import { injectedFailure } from "./errors.ts";

export async function maybeFail(env: Env, name: FailpointName): Promise<void> {
  if ((await env.failpoints.hit(name)) === "error") throw injectedFailure(name);
}
