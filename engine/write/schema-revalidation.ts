// The schema half of upstream's `revalidate_write_txn` (`db/omnigraph.rs`, RFC-022, #343): inside
// the commit section, before any effect, a write checks that no schema apply holds the lock,
// re-reads the schema contract, and refuses (`ReadSetChanged`, before effect, so it prepares
// again) if the accepted IR is no longer the one its transaction validated at open. Without it a
// write that validated against the old contract commits a property a concurrent apply had just
// dropped (`random-workload` on `fixed`, portfolio seed 640). Under `txnCatalog` only: the seed's
// writes never captured the contract they planned against.
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import { ensureSchemaApplyNotLocked } from "../manifest/schema-apply-lock.ts";
import { acceptedIrHash, validateSchemaState } from "../schema-state/contract-files.ts";
import { txnCatalog } from "./txn-catalog.ts";
import type { WriteTxn } from "./txn.ts";

export async function revalidateWriteSchema(env: Env, txn: WriteTxn): Promise<void> {
  if (!txnCatalog(env)) return;
  await ensureSchemaApplyNotLocked(env, "write commit");
  const current = await validateSchemaState(env);
  await ensureSchemaApplyNotLocked(env, "write commit");
  const validated = acceptedIrHash(txn.catalog);
  const now = acceptedIrHash(current);
  // Fail closed: a catalog whose accepted hash is unknown is treated as changed.
  if (validated === null || validated !== now) {
    throw new OmniError("ReadSetChanged", { attempts: 0, beforeEffect: true }, `the schema contract changed since this write validated (schema_ir_hash ${validated ?? "?"} -> ${now ?? "?"})`);
  }
}
