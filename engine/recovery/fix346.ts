// The one home of the `fix346` flag (engine/fixes.ts): upstream's #346 (`905a27c4`, "Harden
// RFC-022 pre-arm recovery ownership"). A SchemaApply sidecar carries its target schema identity
// (the desired IR's hash) and, once the apply's manifest publish landed, a published marker
// (`confirm_schema_apply_manifest_published`). Recovery that finds no staging files to promote
// no longer rolls such a sidecar back on that ground alone: the live schema identity tells
// whether an earlier pass promoted them (G1). Read by `schema-apply/apply.ts` (what the sidecar
// carries) and `process.ts` (the decision).
import type { Env } from "../env.ts";
import { parseSchemaState, SCHEMA_STATE_FILE } from "../schema/contract.ts";
import type { RecoverySidecar } from "./sidecar.ts";

/** Whether `fix346` is on for this engine. */
export function fix346(env: Env): boolean {
  return env.fixes.fix346;
}

/**
 * What recovery does with a SchemaApply sidecar whose staging files this pass did not promote
 * (`process_sidecar` at `905a27c4`): `null` when the sidecar carries no target identity (the
 * seed's rule applies: roll back); otherwise from the live identity and the published marker.
 */
export async function unpromotedSchemaApply(env: Env, sidecar: RecoverySidecar): Promise<"audit-only" | "roll-forward" | "refuse" | "roll-back" | null> {
  const target = sidecar.schema_apply_target_schema_ir_hash;
  if (target === undefined) return null;
  const live = await targetIsLive(env, target);
  const published = sidecar.schema_apply_manifest_published === true;
  // Live and published: Phase C and the promotion both landed, only the bookkeeping remains.
  // Live, not published: an earlier recovery promoted and died before its publish: roll forward.
  if (live) return published ? "audit-only" : "roll-forward";
  // Published but not live: upstream refuses to guess whether the promotion completed.
  return published ? "refuse" : "roll-back";
}

/** `schema_apply_target_identity_is_live`: the live `__schema_state.json` records the target hash. */
async function targetIsLive(env: Env, target: string): Promise<boolean> {
  const parsed = parseSchemaState(await env.storage.objects.get(SCHEMA_STATE_FILE));
  return parsed.ok && parsed.state.schema_ir_hash === target;
}
