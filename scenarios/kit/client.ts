// A handle as scenarios drive it: every call is a recorded operation in the history, with the
// effect the harness expects of it. Engine errors end the operation (the oracles judge them);
// anything else is a harness error and fails the universe.
import type { Env } from "../../engine/env.ts";
import { Omnigraph } from "../../engine/graph/omnigraph.ts";
import type { SchemaApplyOptions } from "../../engine/schema-apply/apply.ts";
import type { LoadSpec } from "../../engine/write/load.ts";
import type { MutationOp } from "../../engine/write/ops.ts";
import { type Expectation, NO_EFFECT } from "../../sim/oracles/history.ts";
import type { Process } from "../../sim/scheduler.ts";
import type { ScenarioContext } from "../types.ts";
import { loadEffect, mutationEffect } from "./effects.ts";
import { isStorageError } from "../../engine/storage/errors.ts";

export class Client {
  private constructor(
    private readonly ctx: ScenarioContext,
    readonly name: string,
    readonly graph: Omnigraph,
    /** The process the handle lives in (crash it to crash the handle). */
    readonly proc: Process,
  ) {}

  /** The harness's record of every operation (shared by every client of the universe). */
  get history(): ScenarioContext["history"] {
    return this.ctx.history;
  }

  /** Opens a handle named `name` in `proc` (a recorded `open`); undefined if the open failed. */
  static async open(ctx: ScenarioContext, proc: Process, name: string, options: { served?: boolean; expect?: Expectation } = {}): Promise<Client | undefined> {
    const env: Env = ctx.world.env(proc);
    const g = await ctx.history.attempt(`open ${name}`, "open", NO_EFFECT, options.expect ?? {}, () =>
      Omnigraph.open(env, { name, served: options.served ?? false }),
    );
    return g && new Client(ctx, name, g, proc);
  }

  /** Creates the graph (a recorded operation); the handle it returns is the client. */
  static async init(ctx: ScenarioContext, proc: Process, schema: string, name = "init"): Promise<Client> {
    const g = await ctx.history.run(`init ${name}`, "open", NO_EFFECT, {}, () => Omnigraph.init(ctx.world.env(proc), schema, { name }));
    return new Client(ctx, name, g, proc);
  }

  mutate(label: string, ops: readonly MutationOp[], expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: ${label}`, "mutate", mutationEffect(ops), expect, () => this.graph.mutate(ops)));
  }

  load(label: string, spec: LoadSpec, expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: ${label}`, "load", loadEffect(spec), expect, () => this.graph.load(spec)));
  }

  optimize(expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: optimize`, "optimize", NO_EFFECT, expect, () => this.graph.optimize()));
  }

  ensureIndices(expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: ensureIndices`, "ensureIndices", NO_EFFECT, expect, () => this.graph.ensureIndices()));
  }

  applySchema(label: string, source: string, options: SchemaApplyOptions = {}, expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: ${label}`, "schemaApply", NO_EFFECT, expect, () => this.graph.applySchema(source, options)));
  }

  /** Runs `fn` as a new actor of this handle's process. */
  spawn(actor: string, fn: (c: Client) => Promise<unknown>) {
    return this.ctx.world.spawn(this.proc, actor, () => fn(this));
  }

  read(type: string, expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: read ${type}`, "read", NO_EFFECT, expect, () => this.graph.read("node", type)));
  }

  refresh(expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: refresh`, "refresh", NO_EFFECT, expect, () => this.graph.refresh()));
  }
}

/**
 * An injected I/O error (the storage fault plan's, `sim/faults/`) that escaped the engine ends
 * the operation, recorded as failed, and the client goes on with its next one, as a real client
 * would. (Without storage faults no call raises it, so nothing else changes.)
 */
function survive<T>(op: Promise<T>): Promise<T | undefined> {
  return op.catch((e: unknown) => {
    if (isStorageError(e, "Io")) return undefined;
    throw e;
  });
}
