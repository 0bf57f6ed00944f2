// Upstream's #343 (`f758ff0d`, RFC-022): a write captures its catalog from the accepted schema
// contract while it holds the root schema gate (`schema_apply_serial_queue_key`;
// `load_accepted_catalog_with_schema_gate_held` at `62a9c3fe`), and a schema apply holds that
// gate from its sidecar through the renames of its three staging files. With `sharedQueues` the
// gate is one per root in a process, so a write never reads the three files half renamed by an
// in-process apply (G5). At the seed each handle has its own queues and nothing is taken.
//
// The model takes the gate only for a validation that failed, and validates again under it:
// a read of three whole files of one contract is the read the gate would have given, and every
// acquire is a scheduling point, so gating each write would reshape every schedule for nothing
// (docs/fidelity.md). Under `ownerLease` a failed validation has its own remedy
// (`handle/schema-guard.ts`: retried under the branch lease).
import type { Handle } from "./handle.ts";
import { isOmniError } from "../errors.ts";
import { leaseGuardsCommits } from "../lease/owner-lease.ts";
import { sharedQueues } from "../sync/shared-queues.ts";
import { SCHEMA_APPLY_SERIAL_KEY } from "../sync/write-queue.ts";

export async function underSchemaGate<T>(h: Handle, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (!sharedQueues(h.env) || leaseGuardsCommits(h.env) || !isOmniError(e, "SchemaContractInvalid")) throw e;
  }
  const release = await h.queues.acquireMany(h.env, [SCHEMA_APPLY_SERIAL_KEY]);
  try {
    return await read();
  } finally {
    release();
  }
}
