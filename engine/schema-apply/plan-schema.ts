// `plan_schema` / `plan_schema_with_options`: what applying a schema would do, without doing
// it. Like upstream it validates the schema contract first (a drifted `_schema.pg` fails the
// plan), plans against the accepted catalog and promotes drops to Hard under `allowDataLoss`.
import type { Env } from "../env.ts";
import { compileSchema } from "../schema/catalog-builder.ts";
import { planSchemaApply } from "../schema/plan.ts";
import { isPlanSupported, type SchemaStep } from "../schema/steps.ts";
import { validateSchemaState } from "../schema-state/contract-files.ts";
import type { SchemaApplyOptions } from "./apply.ts";

export interface SchemaPlan {
  readonly supported: boolean;
  readonly steps: readonly SchemaStep[];
}

export async function planSchema(env: Env, source: string, options: SchemaApplyOptions = {}): Promise<SchemaPlan> {
  const accepted = await validateSchemaState(env);
  const steps = planSchemaApply(accepted, compileSchema(source), { allowDataLoss: options.allowDataLoss ?? false });
  return { supported: isPlanSupported(steps), steps };
}
