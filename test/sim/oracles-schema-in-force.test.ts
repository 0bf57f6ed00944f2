// schema-in-force, red on its planted defect: the last schema apply returned ok while another
// schema stays in force (an apply acknowledged as a no-op by a handle whose catalog went stale).
import { expect, test } from "vitest";
import { SCHEMA_IR_FILE, SCHEMA_SOURCE_FILE, renderSchemaContract } from "../../engine/schema/contract.ts";
import { NO_EFFECT } from "../../sim/oracles/history.ts";
import { schemaInForce } from "../../sim/oracles/schema-in-force.ts";
import { VirtualStore } from "../../sim/store/virtual-store.ts";
import { ctx, op } from "./oracle-fixtures.ts";

const BASE = "node Person { name: String @key }\n";
const WIDER = "node Person { name: String @key  nickname: String? }\n";

async function accepted(source: string): Promise<VirtualStore> {
  const raw = new VirtualStore();
  await raw.objects.put(SCHEMA_SOURCE_FILE, source);
  await raw.objects.put(SCHEMA_IR_FILE, renderSchemaContract(source).irJson);
  return raw;
}

const apply = (id: number, schema: string, start: number, end: number | null, status: "ok" | "err" = "ok") =>
  op({ id, label: `apply ${id}`, kind: "schemaApply", effect: { ...NO_EFFECT, schema }, start, end, status });

test("schema-in-force: the last acknowledged apply's schema must be the accepted one", async () => {
  const ops = [apply(1, WIDER, 0, 10), apply(2, BASE, 20, 30)];
  expect(await schemaInForce(ctx({ ops, raw: await accepted(BASE) }))).toEqual([]);
  // Planted: the second apply returned ok (a no-op on a stale catalog) and WIDER stayed in force.
  const red = await schemaInForce(ctx({ ops, raw: await accepted(WIDER) }));
  expect(red.map((v) => `${v.kind} ${v.op?.label}`)).toEqual(["schema-not-in-force apply 2"]);
  // Another text of the same schema is the same schema.
  expect(await schemaInForce(ctx({ ops: [apply(1, `${BASE}\n`, 0, 10)], raw: await accepted(BASE) }))).toEqual([]);
});

test("schema-in-force: no verdict when another apply failed, overlapped, or the last one failed", async () => {
  const wider = await accepted(WIDER);
  expect(await schemaInForce(ctx({ ops: [apply(1, WIDER, 0, 10, "err"), apply(2, BASE, 20, 30)], raw: wider }))).toEqual([]);
  expect(await schemaInForce(ctx({ ops: [apply(1, WIDER, 0, 25), apply(2, BASE, 20, 30)], raw: wider }))).toEqual([]);
  expect(await schemaInForce(ctx({ ops: [apply(1, WIDER, 0, 10), apply(2, BASE, 20, 30, "err")], raw: wider }))).toEqual([]);
});
