// The liveness probe every engine scenario ends with: a fresh node written after recovery.
import type { LivenessProbe } from "../../sim/oracles/liveness.ts";
import { CARD_SCHEMA } from "./schemas.ts";

export const PERSON_PROBE: LivenessProbe = {
  op: { kind: "insertNode", type: "Person", props: { name: "probe-after-recovery" } },
  row: { table: "node:Person", column: "id", value: "probe-after-recovery" },
  schema: CARD_SCHEMA,
};
