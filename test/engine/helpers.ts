// Running engine code inside a world, for sequential engine tests.
import { expect } from "vitest";
import type { Env } from "../../engine/env.ts";
import { type Fixes, PROFILES } from "../../engine/fixes.ts";
import { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { runUniverse, type UniverseResult } from "../../sim/universe.ts";
import type { World } from "../../sim/world.ts";

export const CARDINALITY_SCHEMA = `
node Person { name: String @key  age: I32? }
node Company { name: String @key }
edge WorksAt: Person -> Company @card(0..1)
edge Knows: Person -> Person
`;

export interface EngineTestOptions {
  readonly fixes?: Fixes;
  readonly seed?: number;
}

/**
 * Runs `body` as the director of one universe (so it runs whenever it can) and fails the test
 * on any violation the world itself reports (harness errors, deadlocks, escapes).
 */
export async function inWorld(body: (w: World) => Promise<void>, options: EngineTestOptions = {}): Promise<UniverseResult> {
  let thrown: unknown = null;
  const result = await runUniverse({
    spec: {
      name: "engine-test",
      async direct(world) {
        try {
          await body(world);
        } catch (e) {
          thrown = e;
        }
      },
    },
    seed: options.seed ?? 1,
    fixes: options.fixes ?? PROFILES.seed,
  });
  if (thrown) throw thrown;
  expect(result.violations).toEqual([]);
  return result;
}

/** A process and its env. */
export function proc(w: World, name: string): Env {
  return w.env(w.process(name));
}

/** A fresh graph with `schema` (default: the cardinality schema) on its own process. */
export async function initGraph(w: World, schema = CARDINALITY_SCHEMA): Promise<Omnigraph> {
  return Omnigraph.init(proc(w, "init"), schema, { name: "init" });
}

export async function openHandle(w: World, name: string, options: { served?: boolean; readOnly?: boolean } = {}): Promise<Omnigraph> {
  return Omnigraph.open(proc(w, name), { name, served: options.served ?? false, mode: options.readOnly ? "ReadOnly" : "ReadWrite" });
}
